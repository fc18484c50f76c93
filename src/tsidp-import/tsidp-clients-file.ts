import { type ClientMappingOptions, type ImportableClient, mapTsidpClient } from './tsidp-client.js';
import { isJsonObject, parseTsidpJson } from './tsidp-json.js';

export const CLIENTS_FILE = 'oidc-funnel-clients.json';

/**
 * `oidc-funnel-clients.json` = `{"<client_id>": FunnelClient, ...}` (tsidp `clients.go`; `null`
 * is Go's empty map): every client mapped and validated, or every problem of every client.
 */
export function parseTsidpClientsFile(text: string, options: ClientMappingOptions): { clients: ImportableClient[] } | { problems: string[] } {
  const parsed = parseTsidpJson(text);
  if ('error' in parsed) return { problems: [`${CLIENTS_FILE}: ${parsed.error}`] };
  const doc = parsed.value ?? {};
  if (!isJsonObject(doc)) return { problems: [`${CLIENTS_FILE}: must be a JSON object of client_id to client`] };
  const clients: ImportableClient[] = [];
  const problems: string[] = [];
  for (const [clientId, raw] of Object.entries(doc)) {
    const mapped = mapTsidpClient(clientId, raw, options);
    if ('problems' in mapped) problems.push(...mapped.problems.map((problem) => `${CLIENTS_FILE}: client ${JSON.stringify(clientId)}: ${problem}`));
    else clients.push(mapped);
  }
  return problems.length > 0 ? { problems } : { clients };
}
