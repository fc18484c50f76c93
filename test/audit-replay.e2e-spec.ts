import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { codeLogin } from './support/code-login.js';
import { type CliResult, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/*
 * `meshid audit replay` and `meshid audit at` on a real data directory: clients created, keys
 * rotated, people signed in, a grant revoked, then the server stopped and the CLI run on what it
 * left. Replay must find the read models equal to the log, and name the table and rows once a
 * live row is tampered with; `at` must show the state as it was between the events.
 */

const REDIRECT_A = 'https://first.example.com/cb';
const REDIRECT_B = 'https://second.example.com/cb';
const DEV_IDENTITY = JSON.stringify({ login: 'ada@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });

interface LogRow {
  position: number;
  stream: string;
  type: string;
  created_at: number;
}

const ok = (result: CliResult): CliResult => {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result;
};

describe('meshid audit replay / audit at', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let out: string;
  let first: string;
  let second: string;
  let log: LogRow[];
  let revokedGrant: string;
  let liveGrant: string;

  const dbFile = () => join(server.dataDir, 'meshid.db');
  const positionOf = (predicate: (row: LogRow) => boolean): string => {
    const row = log.find(predicate)!;
    return `${row.position}/${row.position}`;
  };
  const at = async (target: string, file: string) => JSON.parse(ok(await runCli(['audit', 'at', target, '--out', join(out, file), '--json'], env)).stdout);

  beforeAll(async () => {
    server = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
    out = mkdtempSync(join(tmpdir(), 'meshid-at-'));
    const a = await server.createClient({ client_name: 'first', redirect_uris: [REDIRECT_A], grant_types: ['authorization_code', 'refresh_token'] });
    const b = await server.createClient({ client_name: 'second', redirect_uris: [REDIRECT_B], grant_types: ['authorization_code', 'refresh_token'] });
    first = a.clientId;
    second = b.clientId;
    for (let i = 0; i < 2; i += 1) await codeLogin(server.issuer, first, oauth.ClientSecretBasic(a.clientSecret!), REDIRECT_A, 'openid offline_access');
    await codeLogin(server.issuer, second, oauth.ClientSecretBasic(b.clientSecret!), REDIRECT_B, 'openid offline_access');
    await server.server.close();
    env = { MESHID_DATA_DIR: server.dataDir, MESHID_ISSUER: server.issuer, MESHID_LOG_LEVEL: 'error' };
    expect((await runCli(['keys', 'rotate', '--alg', 'ES256', '--now'], env)).code).toBe(0);
    const db = new Database(dbFile(), { readonly: true });
    const grants = db.prepare('SELECT grant_id FROM grants WHERE client_id = ? ORDER BY issued_at').pluck().all(first) as string[];
    db.close();
    [revokedGrant, liveGrant] = grants as [string, string];
    ok(await runCli(['grants', 'revoke', revokedGrant], env));
    const reader = new Database(dbFile(), { readonly: true });
    log = reader.prepare('SELECT position, stream, type, created_at FROM events ORDER BY position').all() as LogRow[];
    reader.close();
  }, 60_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('finds every read model rebuilt from the log equal to the live one', async () => {
    const report = JSON.parse(ok(await runCli(['audit', 'replay', '--json'], env)).stdout);
    expect(report.equal).toBe(true);
    for (const projection of report.projections) expect({ name: projection.name, equal: projection.equal || projection.reactor }).toEqual({ name: projection.name, equal: true });
    const byName = Object.fromEntries(report.projections.map((projection: { name: string }) => [projection.name, projection]));
    expect(byName['clients']).toMatchObject({ applied: 2, equal: true, reactor: false, position: expect.stringMatching(/^\d+\/\d+$/) });
    expect(byName['grants']).toMatchObject({ equal: true, reactor: false });
    // A reactor whose reactions left no trace in its tables compares strictly equal.
    expect(byName['session-grants']).toMatchObject({ equal: true, reactor: true });
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['signing-keys', 'revoked-grants', 'log-summary']));
  }, 30_000);

  it('names the tables and rows of a tampered read model, and exits 6', async () => {
    const db = new Database(dbFile());
    db.prepare("UPDATE clients SET client_name = 'x' WHERE client_id = ?").run(second);
    db.prepare('DELETE FROM grants WHERE grant_id = ?').run(liveGrant);
    db.close();
    const result = await runCli(['audit', 'replay'], env);
    expect(result.code).toBe(6);
    expect(result.stdout).toContain(`  clients: 0 only live, 0 only rebuilt, 1 differing (client_name)\n    differing: client_id=${second} (client_name)`);
    expect(result.stdout).toContain(`  grants: 0 only live, 1 only rebuilt, 0 differing\n    only rebuilt: grant_id=${liveGrant}`);
    expect(result.stdout).toMatch(/replay: 2 of \d+ read models differ from the log: (grants, clients|clients, grants)\n$/);

    const one = await runCli(['audit', 'replay', '--projection', 'grants', '--json'], env);
    expect(one.code).toBe(6);
    const report = JSON.parse(one.stdout);
    expect(report.projections).toHaveLength(1);
    expect(report.projections[0].tables).toEqual([
      expect.objectContaining({ table: 'grants', onlyRebuilt: 1, samples: [{ kind: 'only_rebuilt', key: { grant_id: liveGrant } }] }),
    ]);
  }, 30_000);

  it('shows only the first client between the two creations', async () => {
    const between = positionOf((row) => row.stream === `client-${first}`);
    const state = await at(between, 'between.db');
    expect(Object.keys(state).sort()).toEqual(['at', 'clients', 'file', 'grants', 'position', 'sign_ins', 'signing_keys']);
    expect(state.position).toBe(between);
    expect(state.clients).toEqual([expect.objectContaining({ client_id: first, client_name: 'first', redirect_uris: [REDIRECT_A] })]);
    expect(state.grants).toEqual([]);
    const file = new Database(join(out, 'between.db'), { readonly: true });
    expect(file.prepare('SELECT count(*) FROM clients').pluck().get()).toBe(1);
    file.close();
  }, 30_000);

  it('shows a grant live before its revocation and not after, with who signed in where', async () => {
    const revocation = log.find((row) => row.type === 'GrantRevoked' && row.stream === `grant-${revokedGrant}`)!;
    // --force replaces the file the earlier test wrote.
    const before = JSON.parse(ok(await runCli(['audit', 'at', new Date(revocation.created_at - 1).toISOString(), '--out', join(out, 'between.db'), '--force', '--json'], env)).stdout);
    expect(before.grants.map((grant: { grant_id: string }) => grant.grant_id)).toEqual(expect.arrayContaining([revokedGrant, liveGrant]));
    expect(before.sign_ins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ client_id: first, login: 'ada@example.com', grants: 2 }),
        expect.objectContaining({ client_id: second, login: 'ada@example.com', grants: 1 }),
      ]),
    );
    expect(before.signing_keys.length).toBeGreaterThan(0);
    expect(before.signing_keys.every((key: { status: string }) => ['published', 'active', 'retired'].includes(key.status))).toBe(true);

    const after = await at(`${revocation.position}/${revocation.position}`, 'after.db');
    expect(after.grants.map((grant: { grant_id: string }) => grant.grant_id)).not.toContain(revokedGrant);
    expect(after.grants.map((grant: { grant_id: string }) => grant.grant_id)).toContain(liveGrant);
    // The rotation before it retired the first ES256 key, which stays published until its tokens expire.
    expect(after.signing_keys.some((key: { status: string }) => key.status === 'retired')).toBe(true);

    const text = ok(await runCli(['audit', 'at', `${revocation.position}/${revocation.position}`, '--out', join(out, 'text.db')], env)).stdout;
    expect(text).toMatch(/^state at \d+\/\d+ \(.+\), written to .+text\.db$/m);
    for (const heading of ['Clients (2)', 'Signing keys published (', 'Live grants (', 'Sign-ins by subject and client (2)']) expect(text).toContain(`\n${heading}`);
  }, 30_000);

  it('gives the empty state before the first event', async () => {
    const state = await at('2000-01-01T00:00:00Z', 'empty.db');
    expect(state).toMatchObject({ position: null, at: '2000-01-01T00:00:00.000Z', clients: [], signing_keys: [], grants: [], sign_ins: [] });
  }, 30_000);

  it('refuses bad arguments and an existing file, with exit 1', async () => {
    const unknown = await runCli(['audit', 'replay', '--projection', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown projection "nope" for --projection: expected one of .*grants.*clients/);
    const badTarget = await runCli(['audit', 'at', 'yesterday'], env);
    expect(badTarget.code).toBe(1);
    expect(badTarget.stderr).toMatch(/time\|position.*expected a log position <commit>\/<prepare>/s);
    const existing = join(out, 'existing.db');
    writeFileSync(existing, 'keep me');
    const refused = await runCli(['audit', 'at', '1/1', '--out', existing], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('exists: choose another --out or give --force');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    // Evidence is read, never made up: a directory without a log is refused, not created.
    const nowhere = join(out, 'no-such-data-dir');
    for (const command of [['audit', 'replay'], ['audit', 'export'], ['audit', 'at', '1/1']]) {
      const missing = await runCli([...command, '--data-dir', nowhere], env);
      expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('not a meshid data directory') });
    }
    expect(existsSync(nowhere)).toBe(false);
  }, 30_000);
});
