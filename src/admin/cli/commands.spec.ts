import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Command, CommanderError } from 'commander';
import { registerClientCommands } from '../../clients/cli/clients.cli.js';
import { registerKeyCommands } from '../../keys/cli/keys.cli.js';
import { registerInitialTokenCommands } from '../../registration/cli/initial-tokens.cli.js';
import { type AdminApi, AdminApiError, type ClientView, type GrantView, type Page } from '../api/admin-api.js';
import type { AdminFlags, AdminSession } from './admin-session.js';
import { describeAdminError, exitCodeFor } from './exit-codes.js';
import { registerGrantCommands } from './grants.cli.js';
import { registerWhoamiCommand } from './whoami.cli.js';

/*
 * The command wiring against a fake AdminApi: flags become the right calls, results the right
 * output, refusals the right exit codes. Both real AdminApis are tested on their own.
 */

const client: ClientView = {
  client_id: 'c1',
  client_name: 'Grafana',
  redirect_uris: ['https://grafana.example/cb'],
  post_logout_redirect_uris: [],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  scope: 'openid',
  require_pkce: false,
  allow_insecure_http_redirects: false,
  refresh_token_rotation: true,
  refresh_token_ttl_seconds: 2592000,
  confidential: true,
  revision: 4,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
};

const grant = (id: string, extra: Partial<GrantView> = {}): GrantView => ({
  grant_id: id,
  client_id: 'c1',
  subject: 'sub-1',
  login: 'alice@example.com',
  scope: ['openid', 'offline_access'],
  resources: [],
  issued_at: '2026-01-01T00:00:00.000Z',
  last_used_at: '2026-01-01T00:00:00.000Z',
  refresh_expires_at: null,
  revoked_at: null,
  revoked_reason: null,
  ...extra,
});

type Calls = Array<[string, ...unknown[]]>;

/** An AdminApi whose methods record their calls and answer from `answers` (unset ones fail the test). */
function fakeApi(answers: Partial<Record<keyof AdminApi, (...args: never[]) => unknown>>, calls: Calls): AdminApi {
  return new Proxy({} as AdminApi, {
    get: (_, name: string) => async (...args: unknown[]) => {
      calls.push([name, ...args]);
      const answer = answers[name as keyof AdminApi];
      if (!answer) throw new Error(`unexpected call ${name}`);
      return (answer as (...a: unknown[]) => unknown)(...args);
    },
  });
}

let stdout = '';
let stderr = '';
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
});

async function run(args: string[], answers: Parameters<typeof fakeApi>[0] = {}) {
  stdout = '';
  stderr = '';
  const calls: Calls = [];
  const flags: AdminFlags[] = [];
  const session: AdminSession = async (given, work) => {
    flags.push(given);
    await work(fakeApi(answers, calls));
  };
  const program = new Command('meshid').exitOverride().configureOutput({ writeErr: (text) => void (stderr += text), writeOut: (text) => void (stdout += text) });
  registerClientCommands(program, session);
  registerInitialTokenCommands(program, session);
  registerKeyCommands(program, session);
  registerGrantCommands(program, session);
  registerWhoamiCommand(program, session);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof AdminApiError) {
      stderr += describeAdminError(error);
      code = exitCodeFor(error);
    } else if (error instanceof CommanderError) code = error.exitCode;
    else throw error;
  }
  return { code, calls, flags: flags[0], stdout, stderr };
}

describe('admin commands', () => {
  it('update without --expected-revision reads the client and sends its revision', async () => {
    const result = await run(['clients', 'update', 'c1', '--name', 'Grafana 12', '--json'], {
      getClient: () => client,
      updateClient: () => ({ ...client, client_name: 'Grafana 12', revision: 5 }),
    });
    expect(result.calls).toEqual([['getClient', 'c1'], ['updateClient', 'c1', { client_name: 'Grafana 12' }, 4]]);
    expect(JSON.parse(result.stdout)).toMatchObject({ client_name: 'Grafana 12', revision: 5 });
  });

  it('update with --expected-revision sends it without reading; a stale one exits 3', async () => {
    const stale = new AdminApiError('precondition_failed', 'client "c1" is stale: expected revision 1, current revision 4');
    const result = await run(['clients', 'update', 'c1', '--scope', 'openid,email', '--expected-revision', '1'], { updateClient: () => Promise.reject(stale) });
    expect(result.calls).toEqual([['updateClient', 'c1', { scope: 'openid email' }, 1]]);
    expect(result).toMatchObject({ code: 3, stdout: '', stderr: 'meshid: client "c1" is stale: expected revision 1, current revision 4\n' });
  });

  it('update without any field is a usage error, before any call', async () => {
    expect(await run(['clients', 'update', 'c1'])).toMatchObject({ code: 1, calls: [] });
  });

  it('list follows every page without --limit, and prints one page with its cursor hint with it', async () => {
    const pages: Record<string, Page<ClientView>> = {
      start: { items: [client], next_cursor: 'p2' },
      p2: { items: [{ ...client, client_id: 'c2', client_name: 'Wiki', token_endpoint_auth_method: 'none' }], next_cursor: null },
    };
    const listClients = (query: { cursor?: string }) => pages[query.cursor ?? 'start'];
    const all = await run(['clients', 'list', '--search', 'gra'], { listClients });
    expect(all.calls).toEqual([['listClients', { limit: 200, q: 'gra' }], ['listClients', { limit: 200, q: 'gra', cursor: 'p2' }]]);
    expect(all.stdout).toBe('c1  client_secret_basic  Grafana\nc2  none                 Wiki\n');
    const one = await run(['clients', 'list', '--limit', '1', '--json'], { listClients });
    expect(JSON.parse(one.stdout)).toEqual(pages['start']);
  });

  it('prints a new secret once, with the note that it will not be shown again', async () => {
    const result = await run(['clients', 'rotate-secret', 'c1'], { regenerateSecret: () => ({ client_id: 'c1', client_secret: 'S3CRET', revision: 5 }) });
    expect(result.stdout).toBe('new secret for client c1\nclient_id: c1\nclient_secret: S3CRET\n(shown this once, it will not be shown again: meshid keeps only a hash of it)\nrevision: 5\n');
  });

  it('maps refusals to exit codes, with one line per field problem', async () => {
    const invalid = new AdminApiError('invalid_request', 'invalid client metadata', [{ field: 'redirect_uris[0]', message: 'is not https' }]);
    const created = await run(['clients', 'create', '--redirect-uri', 'http://x'], { createClient: () => Promise.reject(invalid) });
    expect(created).toMatchObject({ code: 1, stderr: 'meshid: invalid client metadata\n  redirect_uris[0] is not https\n' });
    const cases: Array<[AdminApiError['code'], number]> = [
      ['not_found', 2], ['conflict', 3], ['precondition_failed', 3], ['precondition_required', 1],
      ['unauthorized', 4], ['forbidden', 4], ['temporarily_unavailable', 5], ['server_error', 5],
    ];
    for (const [code, exit] of cases) {
      expect((await run(['clients', 'show', 'c1'], { getClient: () => Promise.reject(new AdminApiError(code, code)) })).code).toBe(exit);
    }
  });

  it('refuses bad arguments as usage errors naming the expectation', async () => {
    for (const args of [['clients', 'list', '--limit', '0'], ['clients', 'list', '--limit', '201'], ['clients', 'update', 'c1', '--expected-revision', '-1'], ['clients', 'show', 'a b'], ['grants', 'list', '--subject', 'a\nb'], ['grants', 'revoke-all']]) {
      const result = await run(args);
      expect({ args, code: result.code, calls: result.calls }).toEqual({ args, code: 1, calls: [] });
    }
    expect((await run(['clients', 'list', '--limit', 'x'])).stderr).toContain('expected a whole number from 1 to 200');
  });

  it('grants list passes the filters; revoke and revoke-all print what they did', async () => {
    const listed = await run(['grants', 'list', '--subject', 'sub-1', '--client-id', 'c1', '--active', '--limit', '10'], {
      listGrants: () => ({ items: [grant('g1'), grant('g2', { revoked_at: '2026-01-03T00:00:00.000Z' })], next_cursor: 'n' }),
    });
    expect(listed.calls).toEqual([['listGrants', { subject: 'sub-1', client_id: 'c1', active: true, limit: 10 }]]);
    expect(listed.stdout.split('\n')).toEqual([
      'g1  active   c1  alice@example.com  last used 2026-01-01T00:00:00.000Z  openid offline_access',
      'g2  revoked  c1  alice@example.com  last used 2026-01-01T00:00:00.000Z  openid offline_access',
      '',
    ]);
    expect(listed.stderr).toBe('(more: repeat with --cursor n)\n');
    const all = await run(['grants', 'revoke-all', '--subject', 'sub-1'], { revokeSubjectGrants: () => ({ revoked: ['g1', 'g3'] }) });
    expect(all.stdout).toBe('revoked 2 grants of sub-1\ng1\ng3\n');
    const one = await run(['grants', 'revoke', 'g1', '--json'], { revokeGrant: () => grant('g1', { revoked_at: 'now' }) });
    expect(JSON.parse(one.stdout)).toMatchObject({ grant_id: 'g1', revoked_at: 'now' });
  });

  it('keys rotate and retire send their options', async () => {
    const rotate = await run(['keys', 'rotate', '--alg', 'ES256', '--now', '--json'], { rotateKeys: () => ({ items: [] }) });
    expect(rotate.calls).toEqual([['rotateKeys', { algs: ['ES256'], immediate: true }]]);
    expect(rotate.stderr).toContain('--now skips pre-publication');
    const retire = await run(['keys', 'retire', 'k1', '--unpublish-now'], { retireKey: () => ({ items: [] }) });
    expect(retire.calls).toEqual([['retireKey', 'k1', { unpublish_now: true }]]);
  });

  it('initial-token create sends seconds; whoami prints the principal; the online flags reach the session', async () => {
    const created = await run(['clients', 'initial-token', 'create', '--uses', '2', '--expires-in', '30m', '--url', 'https://idp.example', '--token', 't'], {
      createInitialAccessToken: () => ({ token_id: 't1', token: 'TOKEN', max_uses: 2, expires_at: '2026-01-01T00:30:00.000Z' }),
    });
    expect(created.calls).toEqual([['createInitialAccessToken', { uses: 2, expires_in: 1800 }]]);
    expect(created.flags).toMatchObject({ url: new URL('https://idp.example'), token: 't' });
    expect(created.stdout).toContain('token: TOKEN\n(shown this once');
    const whoami = await run(['whoami'], { whoami: () => ({ kind: 'client', actor: 'client:ops', name: 'ops' }) });
    expect(whoami.stdout).toBe('ops (client, recorded as client:ops)\n');
    expect((await run(['whoami', '--url', 'ftp://idp.example'])).code).toBe(1);
  });
});
