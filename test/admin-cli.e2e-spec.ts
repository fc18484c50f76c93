import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliResult, runCli } from './support/run-cli.js';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';

/*
 * The admin commands end to end, from the TypeScript sources: offline on a data directory, and
 * online (--url) against a running server with a client_credentials admin client.
 */

const ok = (result: CliResult) => {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

describe('meshid admin commands, offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-admin-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) => runCli(args, { MESHID_DATA_DIR: dir });
  let clientId = '';

  it('creates, lists, shows, updates (a stale revision exits 3), rotates, reports activity and deletes', async () => {
    const created = ok(await cli('clients', 'create', '--name', 'Wiki', '--redirect-uri', 'https://wiki.example.com/cb', '--json'));
    clientId = created['client_id'] as string;
    expect(created).toMatchObject({ client_name: 'Wiki', revision: 0, client_secret: expect.any(String) });

    const [listed, shown, text] = await Promise.all([cli('clients', 'list', '--json'), cli('clients', 'show', clientId, '--json'), cli('clients', 'list')]);
    expect(ok(listed)).toEqual({ items: [expect.objectContaining({ client_id: clientId })], next_cursor: null });
    expect(ok(shown)).toMatchObject({ client_id: clientId, revision: 0 });
    expect(text.stdout).toBe(`${clientId}  client_secret_basic  Wiki\n`);

    // No --expected-revision: the revision just read is the one expected.
    expect(ok(await cli('clients', 'update', clientId, '--name', 'Wiki 2', '--json'))).toMatchObject({ client_name: 'Wiki 2', revision: 1 });
    const stale = await cli('clients', 'update', clientId, '--name', 'Wiki 3', '--expected-revision', '0');
    expect(stale).toMatchObject({ code: 3, stdout: '' });
    expect(stale.stderr).toMatch(/^meshid: .*expected revision 0, current revision 1/);

    const rotated = await cli('clients', 'rotate-secret', clientId);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^client_secret: \S+\n\(shown this once, it will not be shown again/m);

    const activity = ok(await cli('clients', 'activity', clientId, '--json')) as { items: Array<{ type: string; actor: string | null }> };
    expect(activity.items.length).toBeGreaterThanOrEqual(3);
    expect(activity.items[activity.items.length - 1]).toMatchObject({ actor: expect.stringMatching(/^cli:/) });
    expect((await cli('clients', 'activity', clientId, '--limit', '1', '--json')).stdout).toContain('"items"');

    expect(ok(await cli('clients', 'delete', clientId, '--json'))).toEqual({ client_id: clientId, deleted: true });
    expect(await cli('clients', 'show', clientId)).toMatchObject({ code: 2, stderr: `meshid: unknown client "${clientId}"\n` });
  }, 60000);

  it('says who it acts as, and documents the exit codes', async () => {
    const [whoami, help] = await Promise.all([cli('whoami', '--json'), runCli(['--help'])]);
    expect(ok(whoami)).toMatchObject({ kind: 'cli', actor: expect.stringMatching(/^cli:/) });
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toMatch(/^ {2}3 {2}conflict/m);
  }, 30000);
});

describe('meshid admin commands, online (--url)', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let secret = '';
  const outputs: CliResult[] = [];
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, '--url', server.issuer], env);
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const ops = await server.createClient({ client_name: 'ops', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
    secret = ops.clientSecret!;
    // Credentials in the environment, as an operator should pass them (a command line is visible in ps).
    env = { MESHID_ADMIN_CLIENT_ID: ops.clientId, MESHID_ADMIN_CLIENT_SECRET: secret };
  }, 30000);
  afterAll(async () => {
    for (const result of outputs) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    await server?.close();
  });

  it('acts as the admin client: whoami, create, list with --search', async () => {
    expect(ok(await cli('whoami', '--json'))).toMatchObject({ kind: 'client', actor: expect.stringContaining(env['MESHID_ADMIN_CLIENT_ID']!) });
    const [grafana, wiki] = await Promise.all([
      cli('clients', 'create', '--name', 'Grafana', '--redirect-uri', 'https://grafana.example.com/cb', '--json'),
      cli('clients', 'create', '--name', 'Wiki', '--redirect-uri', 'https://wiki.example.com/cb', '--public', '--json'),
    ]);
    const created = ok(grafana);
    expect(created).toMatchObject({ client_name: 'Grafana', client_secret: expect.any(String) });
    ok(wiki);
    const found = ok(await cli('clients', 'list', '--search', 'grafana', '--json')) as { items: Array<{ client_id: string }> };
    expect(found.items.map((item) => item.client_id)).toEqual([created['client_id']]);
    // PATCH with If-Match: the revision read first, then a stale one refused with exit 3.
    const clientId = created['client_id'] as string;
    expect(ok(await cli('clients', 'update', clientId, '--name', 'Grafana 12', '--json'))).toMatchObject({ client_name: 'Grafana 12', revision: 1 });
    expect(await cli('clients', 'update', clientId, '--name', 'Grafana 13', '--expected-revision', '0')).toMatchObject({ code: 3, stdout: '' });
    const all = await cli('clients', 'list', '--limit', '1');
    expect(all.stdout.trim().split('\n')).toHaveLength(1);
    expect(all.stderr).toMatch(/^\(more: repeat with --cursor \S+\)\n$/);
  }, 60000);

  it('lists and rotates keys, lists grants', async () => {
    const [keys, grants] = await Promise.all([cli('keys', 'list', '--json'), cli('grants', 'list', '--json')]);
    const listed = ok(keys) as { items: Array<{ alg: string; status: string; in_jwks: boolean }> };
    expect(listed.items.filter((key) => key.status === 'active').map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(ok(grants)).toEqual({ items: expect.any(Array), next_cursor: null });
    const rotated = ok(await cli('keys', 'rotate', '--alg', 'ES256', '--json')) as { items: Array<{ alg: string; status: string }> };
    expect(rotated.items).toEqual([expect.objectContaining({ alg: 'ES256', status: 'published' })]);
  }, 60000);

  it('takes a token given with --token', async () => {
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const basic = Buffer.from(`${encodeURIComponent(env['MESHID_ADMIN_CLIENT_ID']!)}:${encodeURIComponent(secret)}`).toString('base64');
    const answer = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=meshid%3Aadmin',
    });
    const { access_token: token } = (await answer.json()) as { access_token: string };
    const result = await runCli(['whoami', '--url', server.issuer, '--token', token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(client, recorded as ');
    expect(`${result.stdout}${result.stderr}`).not.toContain(token);
  }, 30000);

  it('exits 4 on a wrong token, 2 on an unknown client, 5 when unreachable, 1 on a bad flag', async () => {
    const closed = await freePort();
    const [wrongToken, unknown, unreachable, badFlag, noCredentials] = await Promise.all([
      runCli(['whoami', '--url', server.issuer, '--token', 'not-a-valid-token']),
      cli('clients', 'show', 'no-such-client'),
      runCli(['keys', 'list', '--url', `http://127.0.0.1:${closed}`, '--token', 'whatever-token']),
      cli('clients', 'list', '--limit', '0'),
      runCli(['whoami', '--url', server.issuer]),
    ]);
    expect(wrongToken).toMatchObject({ code: 4, stdout: '' });
    expect(wrongToken.stderr).toMatch(/^meshid: /);
    expect(wrongToken.stderr).not.toContain('not-a-valid-token');
    expect(unknown).toMatchObject({ code: 2, stderr: 'meshid: unknown client "no-such-client"\n' });
    expect(unreachable).toMatchObject({ code: 5, stdout: '' });
    expect(unreachable.stderr).toMatch(new RegExp(`^meshid: cannot reach http://127.0.0.1:${closed}: .*ECONNREFUSED`));
    expect(unreachable.stderr).not.toContain('whatever-token');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain('expected a whole number from 1 to 200');
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toContain('--url needs credentials');
  }, 60000);
});
