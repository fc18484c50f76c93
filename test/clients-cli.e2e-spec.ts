import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-clients-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { MESHID_DATA_DIR: join(dir, 'data') };
const cli = (...args: string[]) => runCli(['clients', ...args], env);
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

describe('meshid clients', () => {
  const secrets: string[] = [];
  let clientId = '';

  it('creates a client, printing its id and, once, its secret', async () => {
    const created = await json('create', '--name', 'Grafana', '--redirect-uri', 'https://grafana.example.com/login/generic_oauth', '--id-token-alg', 'ES256');
    expect(created).toMatchObject({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_name: 'Grafana',
      redirect_uris: ['https://grafana.example.com/login/generic_oauth'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    clientId = created['client_id'] as string;
    secrets.push(created['client_secret'] as string);
  }, 30000);

  it('creates a public client without a secret, in text', async () => {
    const result = await cli('create', '--name', 'CLI tool', '--redirect-uri', 'http://127.0.0.1/callback', '--redirect-uri', 'com.example.app:/cb', '--public');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^client_id: [A-Za-z0-9_-]{24}$/m);
    expect(result.stdout).not.toContain('client_secret');
  }, 30000);

  it('lists and shows them, never with a secret', async () => {
    const [listed, text, shownJson, shown] = await Promise.all([cli('list', '--json'), cli('list'), cli('show', clientId, '--json'), cli('show', clientId)]);
    const list = listed.stdout;
    const { items: clients, next_cursor } = JSON.parse(list) as { items: Array<Record<string, unknown>>; next_cursor: null };
    expect(next_cursor).toBeNull();
    expect(clients.map((c) => c['client_name'])).toEqual(['CLI tool', 'Grafana']);
    expect(clients[0]).toMatchObject({ token_endpoint_auth_method: 'none', require_pkce: true, confidential: false });
    expect(list).not.toContain(secrets[0]);
    expect(text.stdout).toContain(`${clientId}  client_secret_basic  Grafana`);
    expect(JSON.parse(shownJson.stdout)).toMatchObject({ client_id: clientId, revision: 0, confidential: true });
    expect(shown.stdout).toContain('id_token_signed_response_alg: ES256');
    expect(shown.stdout).not.toContain(secrets[0]);
  }, 30000);

  it('rotates the secret: a new one, shown once', async () => {
    const rotated = await json('rotate-secret', clientId);
    expect(rotated).toMatchObject({ client_id: clientId, revision: 1 });
    expect(rotated['client_secret']).not.toBe(secrets[0]);
    secrets.push(rotated['client_secret'] as string);
  }, 30000);

  it('updates fields, and refuses a stale revision with exit code 3', async () => {
    const updated = await json('update', clientId, '--name', 'Grafana 12', '--grant-types', 'authorization_code', '--expected-revision', '1');
    expect(updated).toMatchObject({ client_name: 'Grafana 12', grant_types: ['authorization_code'], id_token_signed_response_alg: 'ES256', revision: 2 });
    const stale = await cli('update', clientId, '--name', 'Again', '--expected-revision', '1');
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('expected revision 1, current revision 2');
  }, 30000);

  it('refuses bad input with exit code 1, naming the field and value', async () => {
    const [scheme, http, alg] = await Promise.all([
      cli('update', clientId, '--redirect-uri', 'javascript:alert(1)'),
      cli('create', '--name', 'X', '--redirect-uri', 'http://grafana.lan/cb'),
      cli('create', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--id-token-alg', 'HS256'),
    ]);
    expect(scheme).toMatchObject({ code: 1, stdout: '' });
    expect(scheme.stderr).toContain('redirect_uris[0] "javascript:alert(1)": scheme "javascript:" is not allowed');
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('redirect_uris[0] "http://grafana.lan/cb": plain http');
    expect(alg.code).toBe(1);
    expect(alg.stderr).toContain('id_token_signed_response_alg "HS256"');
    for (const result of [scheme, http, alg]) expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 30000);

  it('deletes it; then show, rotate-secret and delete say the client is unknown, with exit code 2', async () => {
    expect(await json('delete', clientId)).toEqual({ client_id: clientId, deleted: true });
    const [show, rotate, again] = await Promise.all([cli('show', clientId), cli('rotate-secret', clientId), cli('delete', clientId)]);
    for (const result of [show, rotate, again]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`meshid: unknown client "${clientId}"\n`);
    }
  }, 30000);

  it('never stored a plaintext secret: not in the events, not in any file of the data directory', () => {
    const db = new Database(join(env.MESHID_DATA_DIR, 'meshid.db'), { readonly: true });
    const events = db.prepare(`SELECT stream, type, data, metadata FROM events WHERE stream LIKE 'client-%'`).all() as Array<Record<string, string>>;
    db.close();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ClientRegistered', 'ClientSecretRotated', 'ClientUpdated', 'ClientDeleted']));
    const raw = events.map((e) => `${e.stream} ${e.data} ${e.metadata}`).join('\n');
    expect(raw).toContain('secretDigest');
    expect(raw).toContain('"actor":"cli:');
    expect(secrets).toHaveLength(2);
    for (const file of readdirSync(env.MESHID_DATA_DIR)) {
      const bytes = readFileSync(join(env.MESHID_DATA_DIR, file));
      for (const secret of secrets) expect(bytes.includes(secret)).toBe(false);
    }
  });
});
