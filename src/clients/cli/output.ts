import type { ClientMetadata } from '../domain/client-metadata.js';
import type { RegisteredClient } from '../read-model/client-directory.js';

const write = (text: string): void => void process.stdout.write(text);
const json = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);

/** A client as JSON: RFC 7591 names, flat, plus its revision (the ETag) and timestamps. */
export function clientJson(client: RegisteredClient) {
  return {
    client_id: client.clientId,
    ...client.metadata,
    confidential: client.confidential,
    revision: Number(client.revision),
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

export function printClient(client: RegisteredClient, asJson?: boolean): void {
  if (asJson) return json(clientJson(client));
  write(`client_id: ${client.clientId}\n`);
  for (const [key, value] of Object.entries(client.metadata)) write(`${key}: ${Array.isArray(value) ? value.join(' ') : String(value)}\n`);
  write(`revision: ${client.revision}\ncreated_at: ${client.createdAt}\nupdated_at: ${client.updatedAt}\n`);
}

export function printClientList(clients: RegisteredClient[], asJson?: boolean): void {
  if (asJson) return json(clients.map(clientJson));
  if (clients.length === 0) return write('no clients\n');
  for (const client of clients) {
    write(`${client.clientId}  ${client.metadata.token_endpoint_auth_method.padEnd(19)}  ${client.metadata.client_name}\n`);
  }
}

interface CommandOutput {
  clientId: string;
  revision: bigint;
  metadata?: ClientMetadata;
  clientSecret?: string;
}

/** What a create, update, rotate-secret or delete printed: the secret, if there is one, is shown this once. */
export function printResult(result: CommandOutput, asJson: boolean | undefined, summary: string): void {
  const { clientId, clientSecret, metadata, revision } = result;
  if (asJson) {
    return json({ client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), ...metadata, revision: Number(revision) });
  }
  write(`${summary}\nclient_id: ${clientId}\n`);
  if (clientSecret) write(`client_secret: ${clientSecret}\n(shown this once: meshid keeps only a hash of it)\n`);
  write(`revision: ${revision}\n`);
}
