import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { AddPasskeyCommand } from '../src/accounts/commands/add-passkey.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { accountStream } from '../src/accounts/domain/account.events.js';
import type { AdminAccount, CreatedAccount, GrantView } from '../src/admin/api/admin-api.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { IssueGrantCommand } from '../src/tokens/commands/issue-grant.command.js';
import { clientCredentialsToken } from './support/code-login.js';
import { type CliResult, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/*
 * Local accounts administered end to end (issue G §2): the REST API with a client_credentials
 * admin token, and `meshid accounts ...` offline on a data directory and online with --url.
 */

const ok = (result: CliResult) => {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

describe('the accounts admin API', () => {
  let meshid: TestServer;
  let token: string;
  let adminClientId: string;
  const context = { actor: 'test', correlationId: 'test' };

  beforeAll(async () => {
    meshid = await startTestServer();
    const ops = await meshid.createClient({ client_name: 'ops', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
    adminClientId = ops.clientId;
    token = await clientCredentialsToken(meshid.issuer, ops.clientId, ops.clientSecret!, 'meshid:admin');
  }, 30_000);
  afterAll(() => meshid?.close());

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${meshid.issuer}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> & { fields?: Array<{ field: string }> } };
  }

  /** A grant of the account's subject, as a sign-in through a client would record it. */
  async function grantFor(subject: string): Promise<string> {
    const client = await meshid.createClient({ client_name: 'app', redirect_uris: ['http://127.0.0.1/cb'] });
    const grantId = randomBytes(16).toString('base64url');
    const grant = { grantId, clientId: client.clientId, subject, scope: ['openid', 'offline_access'], claims: { sub: subject }, authTime: 0, origin: 'authorization_code' as const };
    const { position } = await meshid.server.app.get(CommandBus).execute(new IssueGrantCommand(grant, 3_600_000, context));
    await meshid.server.app.get(ProjectionsService).waitFor(position, 5000);
    return grantId;
  }

  async function grantsOf(subject: string): Promise<GrantView[]> {
    return (await api('GET', `/grants?subject=${encodeURIComponent(subject)}`)).body['items'] as GrantView[];
  }

  it('creates an account and answers a one-time setup link, never a credential; the change is recorded as the admin client', async () => {
    const created = await api('POST', '/accounts', { login: 'Alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['eng', 'ops'] });
    expect(created.status).toBe(201);
    const account = created.body as unknown as CreatedAccount;
    expect(account).toMatchObject({
      login: 'Alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
      groups: ['eng', 'ops'],
      admin: false,
      disabled: false,
      has_password: false,
      has_totp: false,
      passkeys: [],
      subject: `account:${account.account_id}`,
      last_sign_in_at: null,
    });
    expect(account.setup_link.url.startsWith(`${meshid.issuer}/setup?token=`)).toBe(true);
    expect(Date.parse(account.setup_link.expires_at)).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    expect(created.headers.get('etag')).toBe(`"${account.revision}"`);
    expect(created.headers.get('location')).toBe(`/api/v1/accounts/${account.account_id}`);

    // Reading it back, by id and by login (any case): the same account, and no setup link.
    const [byId, byLogin] = await Promise.all([api('GET', `/accounts/${account.account_id}`), api('GET', '/accounts/alice')]);
    expect(byId.body).toEqual(byLogin.body);
    expect(byId.body).not.toHaveProperty('setup_link');
    const { setup_link: _link, ...view } = account;
    expect(byId.body).toEqual(view);

    const events = [];
    for await (const event of meshid.server.app.get<EventStore>(EVENT_STORE).readStream(accountStream(account.account_id))) events.push(event);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) expect(event.metadata.actor).toBe(`client:${adminClientId}`);
  });

  it('shows which credentials exist, never their material', async () => {
    const { account_id: accountId } = (await api('GET', '/accounts/alice')).body as unknown as AdminAccount;
    const password = 'correct horse battery staple';
    const publicKey = randomBytes(77).toString('base64url');
    const passkey = { credentialId: randomBytes(32).toString('base64url'), publicKey, counter: 0, transports: ['internal'], name: 'laptop' };
    const commands = meshid.server.app.get(CommandBus);
    await commands.execute(new SetPasswordCommand(accountId, password, context));
    await commands.execute(new AddPasskeyCommand(accountId, passkey, context));
    const shown = await api('GET', '/accounts/alice');
    expect(shown.body).toMatchObject({ has_password: true, passkeys: [{ id: passkey.credentialId, name: 'laptop', added_at: expect.any(String) }] });
    expect(Object.keys((shown.body['passkeys'] as object[])[0]!).sort()).toEqual(['added_at', 'id', 'name']);
    const raw = JSON.stringify(shown.body);
    expect(raw).not.toContain(password);
    expect(raw).not.toContain(publicKey);
    expect(raw).not.toMatch(/scrypt|hash|public_?key|secret|counter/i);

    const withoutPasskey = await api('DELETE', `/accounts/alice/passkeys/${passkey.credentialId}`);
    expect(withoutPasskey).toMatchObject({ status: 200, body: { passkeys: [], has_password: true } });

    const removed = await api('DELETE', `/accounts/${accountId}/password`);
    expect(removed).toMatchObject({ status: 200, body: { has_password: false } });
    expect(removed.headers.get('etag')).toBe(`"${removed.body['revision']}"`);
    expect(await api('DELETE', `/accounts/${accountId}/password`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await api('DELETE', `/accounts/${accountId}/totp`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await api('DELETE', `/accounts/${accountId}/passkeys/no-such-passkey`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('refuses a taken login in any case, a bad login, unknown fields and null names, naming the field', async () => {
    const taken = await api('POST', '/accounts', { login: 'ALICE', name: 'Another Alice' });
    expect(taken).toMatchObject({ status: 409, body: { error: 'conflict', fields: [{ field: 'login' }] } });
    const bad = await api('POST', '/accounts', { login: '1alice', name: 'Digit first' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(bad.body.fields?.map((f) => f.field)).toContain('login');
    const unknown = await api('POST', '/accounts', { login: 'bob', name: 'Bob', password: 'not accepted here' });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const nulls = await api('PATCH', '/accounts/alice', { name: null }, { 'if-match': '"0"' });
    expect(nulls).toMatchObject({ status: 400, body: { error: 'invalid_request', fields: [{ field: 'name' }] } });
    expect(await api('GET', '/accounts/nobody-here')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const forged = await fetch(`${meshid.issuer}/api/v1/accounts`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(forged.status).toBe(401);
  });

  it('pages the list with an opaque cursor', async () => {
    for (const login of ['carol', 'dave', 'erin']) expect((await api('POST', '/accounts', { login, name: login })).status).toBe(201);
    const first = await api('GET', '/accounts?limit=2');
    const items = first.body['items'] as AdminAccount[];
    expect(items).toHaveLength(2);
    expect(typeof first.body['next_cursor']).toBe('string');
    const rest: AdminAccount[] = [];
    let cursor = first.body['next_cursor'] as string | null;
    while (cursor !== null) {
      const page = await api('GET', `/accounts?limit=2&cursor=${encodeURIComponent(cursor)}`);
      rest.push(...(page.body['items'] as AdminAccount[]));
      cursor = page.body['next_cursor'] as string | null;
    }
    const logins = [...items, ...rest].map((account) => account.login.toLowerCase());
    expect(logins.sort()).toEqual(['alice', 'carol', 'dave', 'erin']);
    expect(await api('GET', '/accounts?cursor=bm90LWEtY3Vyc29y')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await api('GET', '/accounts?limit=0')).toMatchObject({ status: 400 });
  });

  it('updates with If-Match: required, a stale one refused, groups replaced, email removed', async () => {
    const current = (await api('GET', '/accounts/carol')).body as unknown as AdminAccount;
    expect(await api('PATCH', '/accounts/carol', { name: 'Carol' })).toMatchObject({ status: 428, body: { error: 'precondition_required' } });
    const updated = await api('PATCH', '/accounts/carol', { name: 'Carol C.', groups: ['admins'], admin: true, email: 'carol@example.com' }, { 'if-match': `"${current.revision}"` });
    expect(updated).toMatchObject({ status: 200, body: { name: 'Carol C.', groups: ['admins'], admin: true, email: 'carol@example.com', email_verified: false } });
    const revision = updated.body['revision'] as number;
    expect(revision).toBeGreaterThan(current.revision);
    expect(updated.headers.get('etag')).toBe(`"${revision}"`);
    const stale = await api('PATCH', '/accounts/carol', { name: 'Carol D.' }, { 'if-match': `"${current.revision}"` });
    expect(stale).toMatchObject({ status: 412, body: { error: 'precondition_failed' } });
    expect(await api('PATCH', '/accounts/carol', { email: null, groups: [] }, { 'if-match': `"${revision}"` })).toMatchObject({ status: 200, body: { email: null, groups: [], name: 'Carol C.' } });
  });

  it('disables (revoking the grants) and enables an account, and issues a new setup link', async () => {
    const dave = (await api('GET', '/accounts/dave')).body as unknown as AdminAccount;
    const grantId = await grantFor(dave.subject);
    const disabled = await api('POST', '/accounts/dave/disable', { reason: 'on leave' });
    expect(disabled).toMatchObject({ status: 200, body: { disabled: true } });
    expect((await grantsOf(dave.subject)).find((grant) => grant.grant_id === grantId)).toMatchObject({ revoked_reason: 'administrator' });
    expect(await api('POST', '/accounts/dave/enable')).toMatchObject({ status: 200, body: { disabled: false } });

    const first = await api('POST', '/accounts/dave/setup-link');
    const second = await api('POST', `/accounts/${dave.account_id}/setup-link`);
    expect(first).toMatchObject({ status: 200, body: { account_id: dave.account_id, url: expect.stringContaining('/setup?token='), expires_at: expect.any(String) } });
    expect(second.body['url']).not.toBe(first.body['url']);
  });

  it("deletes an account: its grants are revoked (account_deleted) and its login can be used again", async () => {
    const erin = (await api('GET', '/accounts/erin')).body as unknown as AdminAccount;
    const grantId = await grantFor(erin.subject);
    const deleted = await api('DELETE', '/accounts/erin');
    expect(deleted).toMatchObject({ status: 200, body: { account_id: erin.account_id, subject: erin.subject, login: 'erin', deleted: true, grants_revoked: [grantId] } });
    expect((await grantsOf(erin.subject)).find((grant) => grant.grant_id === grantId)).toMatchObject({ revoked_reason: 'account_deleted' });
    expect(await api('GET', `/accounts/${erin.account_id}`)).toMatchObject({ status: 404 });
    expect(await api('DELETE', `/accounts/${erin.account_id}`)).toMatchObject({ status: 404 });
    const again = await api('POST', '/accounts', { login: 'Erin', name: 'Erin the second' });
    expect(again.status).toBe(201);
    expect(again.body['account_id']).not.toBe(erin.account_id);
  });

  it('forgets a local account as a whole: the account is deleted, its login freed, its personal data erased', async () => {
    const created = await api('POST', '/accounts', { login: 'frank', name: 'Frank Forgotten', email: 'frank@example.com' });
    const frank = created.body as unknown as AdminAccount;
    const forgotten = await api('POST', '/subjects/forget', { subject: frank.subject });
    expect(forgotten).toMatchObject({ status: 200, body: { subject: frank.subject, erased: true } });
    expect(await api('GET', `/accounts/${frank.account_id}`)).toMatchObject({ status: 404 });
    expect((await api('POST', '/accounts', { login: 'frank', name: 'Another Frank' })).status).toBe(201);
  });
});

describe('meshid accounts, offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-accounts-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const issuer = 'https://id.example.com';
  const cli = (...args: string[]) => runCli(args, { MESHID_DATA_DIR: dir, MESHID_ISSUER: issuer });

  it('creates (printing the setup link), lists, shows, updates, disables, enables, links and deletes', async () => {
    const text = await cli('accounts', 'create', '--login', 'frank', '--name', 'Frank Zappa', '--email', 'frank@example.com', '--email-verified', '--group', 'music', '--group', 'ops', '--admin');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^created account frank \(Frank Zappa\)\naccount_id: \S+\nsubject: account:\S+\nsetup link: https:\/\/id\.example\.com\/setup\?token=\S+\n/);

    const created = ok(await cli('accounts', 'create', '--login', 'gail', '--name', 'Gail', '--json'));
    expect(created).toMatchObject({ login: 'gail', admin: false, groups: [], setup_link: { url: expect.stringMatching(/^https:\/\/id\.example\.com\/setup\?token=/) } });

    const [listed, shown, listText] = await Promise.all([cli('accounts', 'list', '--json'), cli('accounts', 'show', 'FRANK', '--json'), cli('accounts', 'list')]);
    expect((ok(listed)['items'] as AdminAccount[]).map((account) => account.login).sort()).toEqual(['frank', 'gail']);
    expect(ok(shown)).toMatchObject({ login: 'frank', email_verified: true, groups: ['music', 'ops'], admin: true });
    expect(listText.stdout).toMatch(/^\S+ {2}frank {2}admin {2}Frank Zappa$/m);

    const updated = ok(await cli('accounts', 'update', 'frank', '--no-admin', '--clear-email', '--group', 'music', '--json'));
    expect(updated).toMatchObject({ admin: false, email: null, groups: ['music'] });
    const stale = await cli('accounts', 'update', 'frank', '--name', 'F.', '--expected-revision', '0');
    expect(stale).toMatchObject({ code: 3, stdout: '' });
    expect(stale.stderr).toMatch(/^meshid: .*stale/);

    expect(ok(await cli('accounts', 'disable', 'frank', '--reason', 'testing', '--json'))).toMatchObject({ disabled: true });
    expect((await cli('accounts', 'enable', 'frank')).stdout).toBe('enabled account frank\n');
    const link = await cli('accounts', 'setup-link', 'frank');
    expect(link.stdout).toMatch(/^setup link: https:\/\/id\.example\.com\/setup\?token=\S+\n\(valid until /);

    const refused = await cli('accounts', 'delete', 'frank');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect(ok(await cli('accounts', 'delete', 'frank', '--yes', '--json'))).toMatchObject({ login: 'frank', deleted: true, grants_revoked: [] });
    expect(await cli('accounts', 'show', 'frank')).toMatchObject({ code: 2, stdout: '' });
  }, 120_000);

  it('exits 3 on a taken login, 1 on a bad one or a missing flag, 1 on update with nothing to change', async () => {
    const [taken, bad, missing, nothing] = await Promise.all([
      cli('accounts', 'create', '--login', 'GAIL', '--name', 'Gail again'),
      cli('accounts', 'create', '--login', '9lives', '--name', 'Bad'),
      cli('accounts', 'create', '--name', 'No login'),
      cli('accounts', 'update', 'gail'),
    ]);
    expect(taken).toMatchObject({ code: 3, stdout: '' });
    expect(taken.stderr).toMatch(/^meshid: .*taken/);
    expect(bad.code).toBe(1);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--login');
    expect(nothing).toMatchObject({ code: 1, stderr: 'meshid: nothing to change: give at least one field flag (see meshid accounts update --help)\n' });
  }, 60_000);
});

describe('meshid accounts, online (--url)', () => {
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
    env = { MESHID_ADMIN_CLIENT_ID: ops.clientId, MESHID_ADMIN_CLIENT_SECRET: secret };
  }, 30_000);
  afterAll(async () => {
    for (const result of outputs) expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
    await server?.close();
  });

  it('creates, shows by login, updates (stale exits 3), disables, links and deletes over the API', async () => {
    const created = ok(await cli('accounts', 'create', '--login', 'hana', '--name', 'Hana', '--group', 'eng', '--json')) as unknown as CreatedAccount;
    expect(created.setup_link.url.startsWith(`${server.issuer}/setup?token=`)).toBe(true);
    expect(ok(await cli('accounts', 'show', 'hana', '--json'))).toMatchObject({ account_id: created.account_id, groups: ['eng'] });
    expect(ok(await cli('accounts', 'update', created.account_id, '--group', 'eng', '--group', 'admins', '--admin', '--json'))).toMatchObject({ groups: ['eng', 'admins'], admin: true });
    expect(await cli('accounts', 'update', 'hana', '--name', 'H.', '--expected-revision', String(created.revision))).toMatchObject({ code: 3, stdout: '' });
    expect(ok(await cli('accounts', 'disable', 'hana', '--json'))).toMatchObject({ disabled: true });
    expect(ok(await cli('accounts', 'setup-link', 'hana', '--json'))).toMatchObject({ account_id: created.account_id, url: expect.stringContaining('/setup?token=') });
    const list = await cli('accounts', 'list', '--limit', '1');
    expect(list.stdout).toMatch(/^\S+ {2}hana {2}admin,disabled {2}Hana\n$/);
    expect((await cli('accounts', 'delete', 'hana', '--yes')).stdout).toBe(`deleted account hana (${created.account_id}); 0 grants revoked\n`);
    expect(await cli('accounts', 'show', 'hana')).toMatchObject({ code: 2, stderr: 'meshid: unknown account "hana"\n' });
    expect(await cli('accounts', 'remove-password', created.account_id)).toMatchObject({ code: 2 });
  }, 120_000);
});
