import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as oauth from 'oauth4webapi';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store';
import { ClientDirectory } from '../src/clients/read-model/client-directory.js';
import { SecretHasher } from '../src/crypto/secret-hasher.js';
import { IssueInitialAccessTokenCommand } from '../src/registration/commands/issue-initial-access-token.command.js';
import { RevokeInitialAccessTokenCommand } from '../src/registration/commands/revoke-initial-access-token.command.js';
import { initialAccessTokenStream, newInitialAccessToken } from '../src/registration/domain/initial-access-token.js';
import { codeLogin } from './support/code-login.js';
import { runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Dynamic client registration (RFC 7591) and its management (RFC 7592) against the real server:
// who may register, single use of initial access tokens across concurrent requests, the
// client configuration endpoint, a real login by a registered client, and a seeded fuzz of
// request bodies that must never get a 5xx nor register anything when refused.

const CALLBACK = 'http://127.0.0.1:9999/callback';
const ALICE = JSON.stringify({ login: 'alice@example.com', caps: [{ allow_dcr: true }] });
const BOB = JSON.stringify({ login: 'bob@example.com' });
const context = { actor: 'test-admin', correlationId: 'registration-e2e' };
const DAY = 86_400_000;

let meshid: TestServer;
let noDcr: TestServer;
beforeAll(async () => {
  [meshid, noDcr] = await Promise.all([
    startTestServer({ MESHID_IDENTITY: 'dev', MESHID_DEV_IDENTITY: ALICE }),
    startTestServer({ MESHID_IDENTITY: 'dev', MESHID_DEV_IDENTITY: BOB }),
  ]);
});
afterAll(async () => {
  await Promise.all([meshid?.close(), noDcr?.close()]);
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
}

interface Send {
  method?: string;
  token?: string;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  server?: TestServer;
}

async function send(path: string, { method = 'POST', token, json, raw, contentType = 'application/json', server = meshid }: Send = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const body = raw ?? (json === undefined ? undefined : JSON.stringify(json));
  if (body !== undefined) headers['content-type'] = contentType;
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${server.issuer}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { unparsable: text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const register = (json: unknown, options: Omit<Send, 'json'> = {}) => send('/register', { ...options, json });

async function initialToken(maxUses = 1, server = meshid): Promise<{ token: string; tokenId: string }> {
  const result = await server.server.app.get(CommandBus).execute(new IssueInitialAccessTokenCommand({ maxUses, lifetimeMs: DAY }, context));
  return { token: result.token, tokenId: result.tokenId };
}

async function streamEvents(stream: string, server = meshid): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of server.server.app.get<EventStore>(EVENT_STORE).readStream(stream)) events.push(event);
  return events;
}

const directory = (server = meshid) => server.server.app.get(ClientDirectory);

/** A refusal: the RFC error as JSON, not cached, never a server error. */
function expectError(answer: Answer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.body?.['error'] }).toEqual({ status, error });
  expect(typeof answer.body?.['error_description']).toBe('string');
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

describe('POST /register', () => {
  it('registers a confidential client with an initial access token, which is then used up', async () => {
    const { token, tokenId } = await initialToken();
    const answer = await register(
      {
        redirect_uris: ['https://grafana.example.com/login/generic_oauth'],
        client_uri: 'https://grafana.example.com',
        contacts: ['ops@example.com'],
        software_id: 'grafana',
        scope: 'openid email admin:everything',
        jwks_uri: 'https://grafana.example.com/jwks',
        software_statement: 'eyJhbGciOi...',
        something_new: { nested: true },
      },
      { token },
    );
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = answer.body!;
    const clientId = body['client_id'] as string;
    expect(body).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      registration_client_uri: `${meshid.issuer}/register/${clientId}`,
      client_name: 'grafana.example.com',
      redirect_uris: ['https://grafana.example.com/login/generic_oauth'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      scope: 'openid email',
      client_uri: 'https://grafana.example.com',
      contacts: ['ops@example.com'],
      software_id: 'grafana',
    });
    expect(Math.abs((body['client_id_issued_at'] as number) - Date.now() / 1000)).toBeLessThan(60);
    // Waited for the read model: the client can sign in at once, with its secret.
    expect(directory().find(clientId)?.metadata.scope).toBe('openid email');
    expect(directory().verifySecret(clientId, body['client_secret'] as string)).toBe(true);

    const [registered] = await streamEvents(`client-${clientId}`);
    expect(registered!.metadata['actor']).toBe(`initial-access-token:${tokenId}`);
    const raw = JSON.stringify(registered!.data);
    for (const secret of [body['client_secret'], body['registration_access_token'], token]) expect(raw).not.toContain(secret);
    expect(raw).not.toContain('jwks_uri');
    expect(raw).not.toContain('software_statement');
    const uses = await streamEvents(initialAccessTokenStream(tokenId));
    expect(uses.map((e) => [e.type, e.data['clientId']])).toEqual([
      ['InitialAccessTokenIssued', undefined],
      ['InitialAccessTokenUsed', clientId],
    ]);
    expect(JSON.stringify(uses.map((e) => e.data))).not.toContain(token.split('.')[1]);

    const again = await register({ redirect_uris: ['https://other.example.com/cb'] }, { token });
    expectError(again, 401, 'invalid_token');
    expect(again.headers.get('www-authenticate')).toMatch(/^Bearer realm="meshid", error="invalid_token"/);
  });

  it('lets exactly one of two concurrent requests use a single-use token, and N of many an N-use token', async () => {
    const single = await initialToken(1);
    const pair = await Promise.all([1, 2].map((i) => register({ redirect_uris: [`https://race${i}.example.com/cb`] }, { token: single.token })));
    expect(pair.map((a) => a.status).sort()).toEqual([201, 401]);

    const triple = await initialToken(3);
    const many = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => register({ redirect_uris: [`https://many${i}.example.com/cb`] }, { token: triple.token })));
    expect(many.filter((a) => a.status === 201)).toHaveLength(3);
    expect(many.filter((a) => a.status === 401)).toHaveLength(4);
    const events = await streamEvents(initialAccessTokenStream(triple.tokenId));
    expect(events.filter((e) => e.type === 'InitialAccessTokenUsed')).toHaveLength(3);
  });

  it('refuses revoked, expired, malformed and unknown tokens alike, with a Bearer challenge', async () => {
    const revoked = await initialToken(5);
    await meshid.server.app.get(CommandBus).execute(new RevokeInitialAccessTokenCommand(revoked.tokenId, context));
    // An expired token, written as an administrator's would be, but with its time already past.
    const expired = newInitialAccessToken();
    const hasher = meshid.server.app.get(SecretHasher);
    await meshid.server.app.get<EventStore>(EVENT_STORE).append(
      initialAccessTokenStream(expired.tokenId),
      [{ type: 'InitialAccessTokenIssued', data: { tokenId: expired.tokenId, digest: hasher.digest(expired.secret), expiresAt: Date.now() - 1000, maxUses: 5 } }],
      'no_stream',
    );
    const unknown = newInitialAccessToken();
    const wrongSecret = `${revoked.tokenId}.${unknown.secret}`;
    const before = directory().list().length;
    for (const token of [revoked.token, expired.token, unknown.token, wrongSecret, 'not-a-token', 'a.b.c']) {
      const answer = await register({ redirect_uris: ['https://x.example.com/cb'] }, { token });
      expectError(answer, 401, 'invalid_token');
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expectError(await send('/register', { json: { redirect_uris: ['https://x.example.com/cb'] }, token: 'a b' }), 400, 'invalid_request');
    expect(directory().list().length).toBe(before);
  });

  it('lets an identity with allow_dcr register without a token, and records who did', async () => {
    const answer = await register({ client_name: 'CLI tool', redirect_uris: ['http://127.0.0.1:7777/cb'], token_endpoint_auth_method: 'none' });
    expect(answer.status).toBe(201);
    expect(answer.body).not.toHaveProperty('client_secret');
    expect(answer.body).not.toHaveProperty('client_secret_expires_at');
    expect(answer.body).not.toHaveProperty('require_pkce');
    const clientId = answer.body!['client_id'] as string;
    expect(directory().find(clientId)?.metadata.require_pkce).toBe(true);
    const [registered] = await streamEvents(`client-${clientId}`);
    expect(registered!.metadata['actor']).toBe('dev:alice@example.com');
  });

  it('refuses an identity without allow_dcr (403), and a bad token still gets 401', async () => {
    const before = directory(noDcr).list().length;
    const denied = await register({ redirect_uris: ['https://x.example.com/cb'] }, { server: noDcr });
    expectError(denied, 403, 'access_denied');
    expect(denied.body!['error_description']).toContain('bob@example.com');
    expectError(await register({ redirect_uris: ['https://x.example.com/cb'] }, { server: noDcr, token: 'nope' }), 401, 'invalid_token');
    const { token } = await initialToken(1, noDcr);
    expect((await register({ redirect_uris: ['https://x.example.com/cb'] }, { server: noDcr, token })).status).toBe(201);
    expect(directory(noDcr).list().length).toBe(before + 1);
  });

  it('answers invalid_redirect_uri or invalid_client_metadata, naming every field and value', async () => {
    const bad = await register({ redirect_uris: ['javascript:alert(1)'], logo_uri: 'http://evil.example/logo.png' });
    expectError(bad, 400, 'invalid_redirect_uri');
    expect(bad.body!['error_description']).toContain('redirect_uris[0] "javascript:alert(1)"');
    expect(bad.body!['error_description']).toContain('logo_uri "http://evil.example/logo.png"');
    const cases: Array<[unknown, string]> = [
      [{ redirect_uris: ['https://a.example/cb'], require_pkce: false }, 'require_pkce'],
      [{ redirect_uris: ['https://a.example/cb'], allow_insecure_http_redirects: true }, 'allow_insecure_http_redirects'],
      [{ redirect_uris: ['https://a.example/cb'], refresh_token_ttl_seconds: 60 }, 'refresh_token_ttl_seconds'],
      [{ redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'response_types'],
      [{ redirect_uris: ['https://a.example/cb'], scope: 'admin' }, 'scope'],
      [{ redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'] }, 'grant_types[0]'],
      [{ redirect_uris: ['https://a.example/cb'], application_type: 'desktop' }, 'application_type'],
      [{ grant_types: ['client_credentials'] }, 'client_name'],
    ];
    for (const [body, field] of cases) {
      const answer = await register(body);
      expectError(answer, 400, 'invalid_client_metadata');
      expect(answer.body!['error_description']).toContain(field);
    }
    expectError(await register({ redirect_uris: Array.from({ length: 101 }, (_, i) => `https://a.example/${i}`) }), 400, 'invalid_redirect_uri');
  });

  it('takes JSON objects only', async () => {
    expectError(await send('/register', { raw: 'redirect_uris=https://a.example/cb', contentType: 'application/x-www-form-urlencoded' }), 400, 'invalid_request');
    expectError(await send('/register', { raw: '{"redirect_uris":["https://a.example/cb"]}', contentType: 'text/plain' }), 400, 'invalid_request');
    expectError(await send('/register', { raw: '{"redirect_uris":' }), 400, 'invalid_request');
    expectError(await send('/register', { raw: '[{"redirect_uris":["https://a.example/cb"]}]' }), 400, 'invalid_request');
    expectError(await send('/register', { raw: '"https://a.example/cb"' }), 400, 'invalid_request');
    expectError(await send('/register', { raw: '{"__proto__":{"require_pkce":false},"redirect_uris":["https://a.example/cb"]}' }), 400, 'invalid_request');
    expectError(await send('/register'), 400, 'invalid_request');
    const xml = await send('/register', { raw: '<client/>', contentType: 'application/xml' });
    expect(xml.status).toBeGreaterThanOrEqual(400);
    expect(xml.status).toBeLessThan(500);
    expect(xml.body!['error']).toBe('invalid_request');
  });
});

describe('/register/:clientId (RFC 7592)', () => {
  let clientId = '';
  let accessToken = '';
  let secret = '';
  let uri = '';

  beforeAll(async () => {
    const answer = await register({ client_name: 'Wiki', redirect_uris: ['https://wiki.example.com/cb'], logo_uri: 'https://wiki.example.com/logo.png', software_version: '1.0' });
    expect(answer.status).toBe(201);
    clientId = answer.body!['client_id'] as string;
    accessToken = answer.body!['registration_access_token'] as string;
    secret = answer.body!['client_secret'] as string;
    uri = new URL(answer.body!['registration_client_uri'] as string).pathname;
  });

  it('reads the registration with its registration access token, without any credential', async () => {
    const answer = await send(uri, { method: 'GET', token: accessToken });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ client_id: clientId, client_name: 'Wiki', logo_uri: 'https://wiki.example.com/logo.png', registration_client_uri: `${meshid.issuer}${uri}` });
    expect(answer.body).not.toHaveProperty('client_secret');
    // RFC 7592 §3: the token is in every client information response; meshid does not rotate it.
    expect(answer.body).toHaveProperty('registration_access_token', accessToken);
  });

  it('refuses a wrong token, an unknown client and an administrator-made client alike', async () => {
    const admin = await meshid.createClient({ client_name: 'Admin-made', redirect_uris: ['https://a.example/cb'] });
    for (const [path, token] of [
      [uri, 'wrong'],
      [uri, accessToken.slice(0, -1)],
      ['/register/no-such-client', accessToken],
      [`/register/${admin.clientId}`, accessToken],
      ['/register/%20bad%20id', accessToken],
    ] as const) {
      const answer = await send(path, { method: 'GET', token });
      expectError(answer, 401, 'invalid_token');
      expect(answer.body!['error_description']).toBe('the registration access token is not valid for this client');
    }
    expectError(await send(uri, { method: 'GET' }), 401, 'invalid_token');
  });

  it('replaces the registration whole on PUT; omitted fields take their defaults', async () => {
    const answer = await send(uri, {
      method: 'PUT',
      token: accessToken,
      json: { client_id: clientId, client_secret: secret, client_name: 'Wiki 2', redirect_uris: ['https://wiki.example.com/cb2'], grant_types: ['authorization_code', 'refresh_token'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ client_id: clientId, client_name: 'Wiki 2', redirect_uris: ['https://wiki.example.com/cb2'], grant_types: ['authorization_code', 'refresh_token'] });
    expect(answer.body).not.toHaveProperty('logo_uri');
    expect(answer.body).not.toHaveProperty('software_version');
    expect(directory().find(clientId)?.metadata).toMatchObject({ client_name: 'Wiki 2', require_pkce: false });
    expect(directory().find(clientId)?.metadata).not.toHaveProperty('logo_uri');
    expect(directory().verifySecret(clientId, secret)).toBe(true);
    const events = await streamEvents(`client-${clientId}`);
    expect(events.at(-1)!.metadata['actor']).toBe(`client:${clientId}`);
  });

  it('refuses a PUT naming another client, a wrong secret, a switch to public or bad metadata, changing nothing', async () => {
    const revision = directory().find(clientId)!.revision;
    const put = (json: unknown) => send(uri, { method: 'PUT', token: accessToken, json });
    const base = { client_id: clientId, redirect_uris: ['https://wiki.example.com/cb'] };
    expectError(await put({ ...base, client_id: 'someone-else' }), 400, 'invalid_request');
    expectError(await put({ redirect_uris: ['https://wiki.example.com/cb'] }), 400, 'invalid_request');
    expectError(await put({ ...base, client_secret: 'my-own-chosen-secret' }), 400, 'invalid_client_metadata');
    expectError(await put({ ...base, token_endpoint_auth_method: 'none' }), 400, 'invalid_client_metadata');
    expectError(await put({ ...base, refresh_token_rotation: false }), 400, 'invalid_client_metadata');
    expectError(await put({ ...base, redirect_uris: ['http://wiki.example.com/cb'] }), 400, 'invalid_redirect_uri');
    expectError(await put([base]), 400, 'invalid_request');
    expect(directory().find(clientId)!.revision).toBe(revision);
  });

  it('deletes the client on DELETE; its token then opens nothing', async () => {
    expectError(await send(uri, { method: 'DELETE', token: 'wrong' }), 401, 'invalid_token');
    const answer = await send(uri, { method: 'DELETE', token: accessToken });
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
    expect(directory().find(clientId)).toBeUndefined();
    expectError(await send(uri, { method: 'GET', token: accessToken }), 401, 'invalid_token');
    expectError(await send(uri, { method: 'DELETE', token: accessToken }), 401, 'invalid_token');
  });
});

describe('a dynamically registered client', () => {
  /** A login through /authorize with PKCE, as oauth4webapi drives it, and the code redeemed with `auth`. */
  const login = (clientId: string, auth: oauth.ClientAuth, scope: string) => codeLogin(meshid.issuer, clientId, auth, CALLBACK, scope);

  it('signs a person in at once, with oauth4webapi (public client, PKCE)', async () => {
    const registration = await register({ client_name: 'MCP client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    expect(registration.status).toBe(201);
    const clientId = registration.body!['client_id'] as string;
    const tokens = await login(clientId, oauth.None(), 'openid email offline_access');
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId, sub: 'dev:alice@example.com', email: 'alice@example.com' });
    expect(tokens.refresh_token).toBeDefined();
  });

  it('authenticates with the secret it was given (client_secret_basic)', async () => {
    const { token } = await initialToken();
    const registration = await register({ redirect_uris: [CALLBACK] }, { token });
    const clientId = registration.body!['client_id'] as string;
    const tokens = await login(clientId, oauth.ClientSecretBasic(registration.body!['client_secret'] as string), 'openid profile');
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId });
  });
});

describe('meshid clients initial-token', () => {
  it('creates tokens from the command line that the running server accepts, and revokes them', async () => {
    const env = { MESHID_DATA_DIR: meshid.dataDir };
    const cli = (...args: string[]) => runCli(['clients', 'initial-token', ...args], env);
    const [twoUses, toRevoke, text, badUses, badExpiry, badDescription] = await Promise.all([
      cli('create', '--uses', '2', '--expires-in', '30m', '--description', 'wiki', '--json'),
      cli('create', '--json'),
      cli('create', '--expires-in', '7d'),
      cli('create', '--uses', '1001'),
      cli('create', '--expires-in', '91d'),
      cli('create', '--description', 'two\nlines'),
    ]);
    expect({ code: twoUses.code, stderr: twoUses.stderr }).toEqual({ code: 0, stderr: '' });
    const created = JSON.parse(twoUses.stdout) as Record<string, unknown>;
    expect(created).toEqual({ token_id: expect.any(String), token: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/), max_uses: 2, expires_at: expect.any(String), description: 'wiki' });
    expect(Date.parse(created['expires_at'] as string) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(text.stdout).toMatch(/^token: [A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/m);
    for (const [result, flag] of [[badUses, '--uses'], [badExpiry, '--expires-in'], [badDescription, '--description']] as const) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(flag);
      expect(result.stdout).toBe('');
    }

    const token = created['token'] as string;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await register({ redirect_uris: [`https://cli${i}.example.com/cb`] }, { token })).status);
    expect(answers).toEqual([201, 201, 401]);

    const other = JSON.parse(toRevoke.stdout) as { token_id: string; token: string };
    const [revoked, unknown] = await Promise.all([cli('revoke', other.token_id, '--json'), cli('revoke', 'AAAAAAAAAAAAAAAAAAAAAA')]);
    expect(JSON.parse(revoked.stdout)).toEqual({ token_id: other.token_id, revoked: true, already_revoked: false });
    expect(unknown).toMatchObject({ code: 2, stderr: 'meshid: unknown initial access token "AAAAAAAAAAAAAAAAAAAAAA"\n' });
    expectError(await register({ redirect_uris: ['https://cli.example.com/cb'] }, { token: other.token }), 401, 'invalid_token');
  });
});

/** mulberry32: a small seeded generator, so that a failing fuzz case can be replayed exactly. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const FIELDS = [
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method',
  'id_token_signed_response_alg', 'scope', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'contacts', 'software_id',
  'software_version', 'application_type', 'require_pkce', 'allow_insecure_http_redirects', 'refresh_token_rotation',
  'refresh_token_ttl_seconds', 'jwks', 'jwks_uri', 'software_statement', 'client_id', 'client_secret', 'constructor', 'toString',
];

describe('fuzzing POST /register', () => {
  it('answers every generated body with a 201 or a JSON 4xx, and registers nothing it refuses', async () => {
    const random = seeded(0x5eed);
    const uris = ['https://a.example/cb', 'http://127.0.0.1:1/cb', 'com.example.app:/cb', 'javascript:alert(1)', 'http://evil.example/cb', '', '/relative', 'https://u:p@a.example/', `https://a.example/${'x'.repeat(3000)}`, 'https://a.example/#f', 'data:text/html,x', 'https://[::1', 'https://a.example/\u0000'];
    const strings = ['', ' ', 'web', 'native', 'none', 'client_secret_post', 'RS256', 'HS256', 'openid', 'openid profile bogus', 'authorization_code', 'code', '\u0007bell', '\u202eRTL', '😀'.repeat(50), 'x'.repeat(100_000), ...uris];
    const scalar = (): unknown => random.pick<() => unknown>([() => random.pick(strings), () => random.int(1e9) - 5e8, () => random.next(), () => random.pick([true, false, null]), () => random.pick([Number.MAX_SAFE_INTEGER, -0, 1e308])])();
    const value = (depth = 0): unknown => {
      switch (random.int(depth > 2 ? 2 : 6)) {
        case 0:
        case 1:
          return scalar();
        case 2:
          return Array.from({ length: random.int(4) }, () => (random.int(2) ? random.pick(uris) : value(depth + 1)));
        case 3:
          return Array.from({ length: random.pick([10_000, 11, 101, 1000]) }, (_, i) => (random.int(3) ? `https://a.example/${i}` : i));
        case 4:
          return Object.fromEntries(Array.from({ length: 1 + random.int(3) }, () => [random.pick(FIELDS), value(depth + 1)]));
        default:
          return [[[[[value(depth + 3)]]]]];
      }
    };
    const valid = () => ({ redirect_uris: [random.pick(['https://fuzz.example/cb', 'http://127.0.0.1:5000/cb'])], client_name: 'Fuzz' });
    const bodies = (): { raw: string; contentType?: string } => {
      const kind = random.int(10);
      if (kind === 0) {
        const raw = random.pick(['', '{', 'null', '[]', '"x"', '42', 'true', '{"a":1}}', '\u0000', '{"redirect_uris":["https://a/cb"],}', 'NaN', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']);
        return { raw };
      }
      if (kind === 1) return { raw: JSON.stringify(valid()), contentType: random.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x']) };
      const body: Record<string, unknown> = kind < 6 ? valid() : {};
      // Fields meshid ignores (RFC 7591 §2) may hold anything: such bodies must still register.
      const fields = kind < 4 ? ['jwks', 'jwks_uri', 'software_statement', 'client_id', 'something_else'] : FIELDS;
      for (let n = 1 + random.int(3); n > 0; n--) body[random.pick(fields)] = value();
      let raw = JSON.stringify(body);
      if (kind === 9) raw = raw.replace(/^\{/, '{"__proto__":{"require_pkce":false},');
      return { raw };
    };

    const before = directory().list().length;
    const registered: string[] = [];
    const failures: string[] = [];
    const cases = Array.from({ length: 300 }, bodies);
    for (let i = 0; i < cases.length; i += 10) {
      const answers = await Promise.all(cases.slice(i, i + 10).map((request) => send('/register', request)));
      answers.forEach((answer, j) => {
        const request = cases[i + j]!;
        const what = `#${i + j} ${answer.status} ${request.contentType ?? ''} ${request.raw.slice(0, 200)}`;
        if (answer.status === 201) {
          if (typeof answer.body?.['client_id'] !== 'string') failures.push(`${what}: 201 without client_id`);
          else registered.push(answer.body['client_id']);
        } else if (answer.status < 400 || answer.status >= 500 || typeof answer.body?.['error'] !== 'string' || typeof answer.body?.['error_description'] !== 'string') {
          failures.push(`${what}: ${JSON.stringify(answer.body).slice(0, 300)}`);
        } else if (JSON.stringify(answer.body).includes('    at ')) {
          failures.push(`${what}: a stack trace`);
        }
      });
    }
    expect(failures).toEqual([]);
    // Both outcomes were exercised, and exactly the accepted bodies became clients.
    expect(registered.length).toBeGreaterThan(30);
    expect(registered.length).toBeLessThan(cases.length - 100);
    expect(directory().list().length).toBe(before + registered.length);
    for (const clientId of registered) expect(directory().find(clientId)).toBeDefined();
  });
});
