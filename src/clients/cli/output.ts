import type { ActivityEntry, ClientView, ClientWithSecret, NewSecret } from '../../admin/api/admin-api.js';
import { SHOWN_ONCE, write } from '../../admin/cli/print.js';

const value = (item: unknown) => (Array.isArray(item) ? item.join(' ') : String(item));

/** A client in text: one `field: value` line per field, in the API's order; never a secret (it has none). */
export function printClient(client: ClientView): void {
  for (const [key, item] of Object.entries(client)) if (key !== 'client_secret') write(`${key}: ${value(item)}\n`);
}

/** One line per client: id, how it authenticates, name. */
export function printClientList(clients: ClientView[]): void {
  if (clients.length === 0) return write('no clients\n');
  for (const client of clients) {
    write(`${client.client_id}  ${client.token_endpoint_auth_method.padEnd(19)}  ${client.client_name}\n`);
  }
}

/** What create, update and rotate-secret print in text: the secret, if one was just issued, this once. */
export function printResult(result: ClientWithSecret | NewSecret, summary: string): void {
  write(`${summary}\nclient_id: ${result.client_id}\n`);
  if (result.client_secret) write(`client_secret: ${result.client_secret}\n${SHOWN_ONCE}\n`);
  write(`revision: ${result.revision}\n`);
}

/** One line per entry, newest first: when, what, who, and the summary. */
export function printActivity(entries: ActivityEntry[]): void {
  if (entries.length === 0) return write('no activity\n');
  for (const entry of entries) {
    write(`${entry.at}  ${entry.type.padEnd(19)}  ${(entry.actor ?? '-').padEnd(20)}  ${entry.summary}\n`);
  }
}
