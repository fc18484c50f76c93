import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Above 2^53: JSON.parse would read it as 12345678901234567000. */
export const TSIDP_KID = '12345678901234567890';

/** A tsidp state directory as tsidp writes it, with a key and three kinds of Funnel client. */
export interface TsidpFixture {
  dir: string;
  /** The PKCS#1 PEM of `oidc-key.json`. */
  pem: string;
  /** client id → its secret, as relying parties hold them. */
  secrets: Record<string, string>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** `oidc-key.json` text: the kid as a bare JSON number, exactly as Go's encoding/json writes a uint64. */
export function tsidpKeyFile(kid: string, pem: string): string {
  return `{"kid":${kid},"key":${JSON.stringify(pem)}}`;
}

/** A fresh PKCS#1 RSA-2048 PEM, the kind tsidp generates. */
export function rsaPkcs1Pem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

/** The three client shapes tsidp leaves: DCR, admin UI (zero created_at), legacy (only redirect_uri). */
export function tsidpClients(): Record<string, Record<string, unknown>> {
  const dcr = hex(16);
  const ui = hex(16);
  const legacy = hex(16);
  return {
    [dcr]: {
      client_id: dcr, client_secret: hex(32), client_name: 'MCP inspector', redirect_uris: ['https://mcp.example.ts.net/callback', 'http://127.0.0.1:6274/oauth/callback'],
      token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid email',
      client_uri: 'https://mcp.example', application_type: 'web', dynamically_registered: true, created_at: '2025-06-01T10:11:12.123456789Z',
      redirect_uri: 'https://mcp.example.ts.net/callback',
    },
    [ui]: { client_id: ui, client_secret: hex(32), client_name: 'Grafana', redirect_uris: ['https://grafana.example.ts.net/login/generic_oauth'], created_at: '0001-01-01T00:00:00Z', redirect_uri: 'https://grafana.example.ts.net/login/generic_oauth' },
    [legacy]: { client_id: legacy, client_secret: hex(32), client_name: 'Proxmox', redirect_uri: 'https://pve.example.ts.net:8006', created_at: '0001-01-01T00:00:00Z' },
  };
}

/** Writes a tsidp state directory (mode 0600 files, as tsidp leaves them). */
export function writeTsidpDirectory(files: { key?: string; clients?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsidp-state-'));
  if (files.key !== undefined) writeFileSync(join(dir, 'oidc-key.json'), files.key, { mode: 0o600 });
  if (files.clients !== undefined) writeFileSync(join(dir, 'oidc-funnel-clients.json'), files.clients, { mode: 0o600 });
  return dir;
}

/** A complete, valid tsidp directory. */
export function tsidpFixture(): TsidpFixture {
  const pem = rsaPkcs1Pem();
  const clients = tsidpClients();
  const dir = writeTsidpDirectory({ key: tsidpKeyFile(TSIDP_KID, pem), clients: JSON.stringify(clients, null, '  ') });
  const secrets = Object.fromEntries(Object.entries(clients).map(([id, client]) => [id, client.client_secret as string]));
  return { dir, pem, secrets };
}
