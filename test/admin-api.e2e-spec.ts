import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get } from 'node:http';
import * as oauth from 'oauth4webapi';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store';
import { clientCredentialsToken, codeLogin } from './support/code-login.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const CALLBACK = 'http://127.0.0.1:9/cb';
const ADMIN = JSON.stringify({ login: 'ada@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });
const NOT_ADMIN = JSON.stringify({ login: 'bob@example.com', caps: [{ allow_dcr: true }] });

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { items?: Array<Record<string, unknown>> };
}

let meshid: TestServer;
let opsToken: string;
let opsId: string;
let opsSecret: string;

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; base?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${options.base ?? meshid.issuer}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : JSON.parse(text) };
}

const asOps = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(method, path, { token: opsToken, body, ...(headers ? { headers } : {}) });

async function events(server: TestServer): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of server.server.app.get<EventStore>(EVENT_STORE).readAll()) all.push(event);
  return all;
}

/** The CSRF token of the admin page, as the page's script reads it. */
async function pageToken(base = meshid.issuer): Promise<string> {
  const html = await (await fetch(`${base}/`)).text();
  return /<meta name="csrf-token" content="([^"]+)"/.exec(html)![1]!;
}

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: ADMIN });
  const ops = await meshid.createClient({ client_name: 'ops automation', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
  opsId = ops.clientId;
  opsSecret = ops.clientSecret!;
  opsToken = await clientCredentialsToken(meshid.issuer, ops.clientId, ops.clientSecret!, 'meshid:admin');
}, 30_000);

afterAll(async () => {
  await meshid?.close();
});

describe('admin API: clients', () => {
  it('creates a client whose secret is in the creation answer only, and records the acting client', async () => {
    const created = await asOps('POST', '/api/v1/clients', { client_name: 'Grafana', redirect_uris: [CALLBACK] });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.headers.get('etag')).toBe('"0"');
    expect(created.body).toMatchObject({ client_name: 'Grafana', confidential: true, revision: 0, client_secret: expect.any(String) });
    const id = created.body['client_id'] as string;
    expect(created.headers.get('location')).toBe(`/api/v1/clients/${id}`);
    const shown = await asOps('GET', `/api/v1/clients/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).not.toHaveProperty('client_secret');
    expect(JSON.stringify(shown.body)).not.toContain(created.body['client_secret'] as string);
    const registered = (await events(meshid)).find((event) => event.stream === `client-${id}`)!;
    expect(registered.metadata).toMatchObject({ actor: `client:${opsId}`, ip: '127.0.0.1' });
    expect(JSON.stringify(registered, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(created.body['client_secret'] as string);
  });

  it('lists a page at a time, by name, and searches names, ids and redirect URIs', async () => {
    for (const name of ['page-c', 'page-a', 'page-b']) await asOps('POST', '/api/v1/clients', { client_name: name, redirect_uris: [`https://${name}.example/cb`] });
    const first = await asOps('GET', '/api/v1/clients?q=page-&limit=2');
    expect(first.body.items!.map((client) => client['client_name'])).toEqual(['page-a', 'page-b']);
    const second = await asOps('GET', `/api/v1/clients?q=page-&limit=2&cursor=${first.body['next_cursor']}`);
    expect(second.body.items!.map((client) => client['client_name'])).toEqual(['page-c']);
    expect(second.body['next_cursor']).toBeNull();
    expect((await asOps('GET', '/api/v1/clients?q=PAGE-B.EXAMPLE')).body.items!.map((client) => client['client_name'])).toEqual(['page-b']);
    const bad = await asOps('GET', '/api/v1/clients?cursor=not-ours');
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', fields: [{ field: 'cursor' }] } });
  });

  it('updates only with If-Match: missing is 428, stale is 412, current is 200 with the next ETag', async () => {
    const id = (await asOps('POST', '/api/v1/clients', { client_name: 'Proxmox', redirect_uris: [CALLBACK] })).body['client_id'] as string;
    expect(await asOps('PATCH', `/api/v1/clients/${id}`, { client_name: 'Proxmox VE' })).toMatchObject({ status: 428, body: { error: 'precondition_required' } });
    const updated = await asOps('PATCH', `/api/v1/clients/${id}`, { client_name: 'Proxmox VE' }, { 'if-match': '"0"' });
    expect(updated).toMatchObject({ status: 200, body: { client_name: 'Proxmox VE', revision: 1 } });
    expect(updated.headers.get('etag')).toBe('"1"');
    const stale = await asOps('PATCH', `/api/v1/clients/${id}`, { client_name: 'Lost update' }, { 'if-match': '"0"' });
    expect(stale).toMatchObject({ status: 412, body: { error: 'precondition_failed' } });
    expect((await asOps('GET', `/api/v1/clients/${id}`)).body['client_name']).toBe('Proxmox VE');
    expect((await asOps('PATCH', `/api/v1/clients/${id}`, { client_name: 'x' }, { 'if-match': 'W/"1"' })).status).toBe(400);
  });

  it('refuses bad fields naming each, whether a DTO or a domain rule finds them, and stores nothing', async () => {
    const before = (await events(meshid)).length;
    const shape = await asOps('POST', '/api/v1/clients', { client_name: 7, redirect_uris: 'https://x', colour: 'red', token_endpoint_auth_method: 'magic' });
    expect(shape.status).toBe(400);
    expect((shape.body['fields'] as Array<{ field: string }>).map((problem) => problem.field).sort()).toEqual(['client_name', 'colour', 'redirect_uris', 'token_endpoint_auth_method']);
    const rule = await asOps('POST', '/api/v1/clients', { client_name: 'Evil', redirect_uris: ['javascript:alert(1)'] });
    expect(rule).toMatchObject({ status: 400, body: { error: 'invalid_request', fields: [{ field: 'redirect_uris[0]' }] } });
    const notJson = await fetch(`${meshid.issuer}/api/v1/clients`, { method: 'POST', headers: { authorization: `Bearer ${opsToken}`, 'content-type': 'application/json' }, body: '{"client_name":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'invalid_request' });
    expect((await events(meshid)).length).toBe(before);
  });

  it('regenerates a secret: the old one is refused at once, the new one works', async () => {
    const created = await asOps('POST', '/api/v1/clients', { client_name: 'Rotating', grant_types: ['client_credentials'], scope: 'api', redirect_uris: [] });
    const id = created.body['client_id'] as string;
    const renewed = await asOps('POST', `/api/v1/clients/${id}/secret`, {});
    expect(renewed).toMatchObject({ status: 200, body: { client_id: id, client_secret: expect.any(String), revision: 1 } });
    await expect(clientCredentialsToken(meshid.issuer, id, created.body['client_secret'] as string, 'api')).rejects.toThrow();
    await expect(clientCredentialsToken(meshid.issuer, id, renewed.body['client_secret'] as string, 'api')).resolves.toEqual(expect.any(String));
  });

  it('deletes a client: its tokens stop working at once, and its activity tells the story with who did what', async () => {
    const created = await asOps('POST', '/api/v1/clients', { client_name: 'Short-lived', redirect_uris: [CALLBACK] });
    const id = created.body['client_id'] as string;
    const tokens = await codeLogin(meshid.issuer, id, oauth.ClientSecretBasic(created.body['client_secret'] as string), CALLBACK, 'openid email offline_access');
    const userinfo = () => fetch(`${meshid.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    expect((await asOps('DELETE', `/api/v1/clients/${id}`)).status).toBe(204);
    expect((await userinfo()).status).toBe(401);
    const introspection = await fetch(`${meshid.issuer}/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${opsId}:x`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(introspection.status).toBe(401); // a wrong secret for the introspecting client
    const inactive = await fetch(`${meshid.issuer}/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${opsId}:${opsSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(await inactive.json()).toEqual({ active: false });
    expect((await asOps('GET', `/api/v1/clients/${id}`)).status).toBe(404);
    const activity = await asOps('GET', `/api/v1/clients/${id}/activity`);
    expect(activity.body.items!.map((entry) => entry['type'])).toEqual(['ClientDeleted', 'GrantIssued', 'ClientRegistered']);
    expect(activity.body.items![0]).toMatchObject({ actor: `client:${opsId}`, summary: 'deleted' });
    expect(activity.body.items![1]!['summary']).toContain('ada@example.com');
    expect((await asOps('GET', '/api/v1/clients/never-was/activity')).status).toBe(404);
  });
});

describe('admin API: keys', () => {
  it('lists keys with their state, rotates, and retires a compromised key out of JWKS', async () => {
    const listed = await asOps('GET', '/api/v1/keys');
    const active = listed.body.items!.filter((key) => key['status'] === 'active');
    expect(active.map((key) => key['alg']).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(JSON.stringify(listed.body)).not.toMatch(/"(d|n|x|privateKey)"/);
    const rotated = await asOps('POST', '/api/v1/keys/rotate', { algs: ['ES256'] });
    expect(rotated.body.items).toEqual([expect.objectContaining({ alg: 'ES256', status: 'published', in_jwks: true })]);
    const rs256 = active.find((key) => key['alg'] === 'RS256')!['kid'] as string;
    const retired = await asOps('POST', `/api/v1/keys/${rs256}/retire`, { unpublish_now: true });
    expect(retired.status).toBe(200);
    expect(retired.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kid: rs256, status: 'retired', in_jwks: false }),
        expect.objectContaining({ alg: 'RS256', status: 'active', in_jwks: true }),
      ]),
    );
    const jwks = (await (await fetch(`${meshid.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(rs256);
    // The ops token was signed by that key: with it out of JWKS, it no longer verifies.
    expect((await asOps('GET', '/api/v1/whoami')).status).toBe(401);
    opsToken = await clientCredentialsToken(meshid.issuer, opsId, opsSecret, 'meshid:admin');
    expect((await asOps('POST', '/api/v1/keys/rotate', { algs: ['HS256'] })).body).toMatchObject({ error: 'invalid_request', fields: [{ field: 'algs' }] });
    expect((await asOps('POST', '/api/v1/keys/nope/retire', {})).status).toBe(404);
  });
});

describe('admin API: grants', () => {
  it('lists grants by subject and client, revokes one (its access token stops) and all of a subject', async () => {
    const created = await asOps('POST', '/api/v1/clients', { client_name: 'Grants app', redirect_uris: [CALLBACK] });
    const id = created.body['client_id'] as string;
    const auth = oauth.ClientSecretBasic(created.body['client_secret'] as string);
    const first = await codeLogin(meshid.issuer, id, auth, CALLBACK, 'openid offline_access');
    await codeLogin(meshid.issuer, id, auth, CALLBACK, 'openid offline_access');
    const byClient = await asOps('GET', `/api/v1/grants?client_id=${id}`);
    expect(byClient.body.items).toHaveLength(2);
    const subject = byClient.body.items![0]!['subject'] as string;
    expect(byClient.body.items![0]).toMatchObject({ client_id: id, login: 'ada@example.com', revoked_at: null, scope: ['openid', 'offline_access'] });
    expect((await asOps('GET', `/api/v1/grants?subject=${encodeURIComponent(subject)}&limit=1`)).body['next_cursor']).toEqual(expect.any(String));

    const claims = JSON.parse(Buffer.from(first.access_token.split('.')[1]!, 'base64url').toString()) as { gid: string };
    const revoked = await asOps('POST', `/api/v1/grants/${claims.gid}/revoke`, {});
    expect(revoked.body).toMatchObject({ grant_id: claims.gid, revoked_reason: 'administrator', revoked_at: expect.any(String) });
    expect((await fetch(`${meshid.issuer}/userinfo`, { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(401);
    expect((await asOps('POST', '/api/v1/grants/nope/revoke', {})).status).toBe(404);

    const all = await asOps('POST', '/api/v1/grants/revoke-all', { subject });
    expect((all.body['revoked'] as string[]).length).toBeGreaterThanOrEqual(1);
    expect((await asOps('GET', `/api/v1/grants?subject=${encodeURIComponent(subject)}&active=true`)).body.items).toEqual([]);
    expect((await asOps('POST', '/api/v1/grants/revoke-all', {})).status).toBe(400);
  });
});

describe('admin API: initial access tokens', () => {
  it('creates one usable at /register, refuses out-of-range options naming them, revokes it', async () => {
    const issued = await asOps('POST', '/api/v1/initial-access-tokens', { uses: 1, expires_in: 3600, description: 'wiki' });
    expect(issued).toMatchObject({ status: 201, body: { token_id: expect.any(String), token: expect.any(String), max_uses: 1, description: 'wiki' } });
    const registered = await fetch(`${meshid.issuer}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.body['token'] as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Wiki', redirect_uris: [CALLBACK] }),
    });
    expect(registered.status).toBe(201);
    const tooMany = await asOps('POST', '/api/v1/initial-access-tokens', { uses: 0 });
    expect(tooMany).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('uses') } });
    expect((await asOps('POST', '/api/v1/initial-access-tokens', { expires_in: 'soon' })).body).toMatchObject({ fields: [{ field: 'expires_in' }] });
    const id = issued.body['token_id'] as string;
    expect((await asOps('POST', `/api/v1/initial-access-tokens/${id}/revoke`, {})).body).toEqual({ token_id: id, revoked: true, already_revoked: false });
    expect((await asOps('POST', `/api/v1/initial-access-tokens/${id}/revoke`, {})).body).toMatchObject({ already_revoked: true });
    expect((await asOps('POST', '/api/v1/initial-access-tokens/nope/revoke', {})).status).toBe(404);
  });
});

describe('admin API: who may call it', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer({ MESHID_DEV_IDENTITY: NOT_ADMIN });
  }, 30_000);
  afterAll(async () => {
    await other?.close();
  });

  it('a person with allow_admin_ui is themselves in the API; a change needs the page CSRF token', async () => {
    expect((await call('GET', '/api/v1/whoami')).body).toEqual({ kind: 'person', actor: 'person:ada@example.com', name: 'Ada Admin' });
    const body = { client_name: 'From the browser', redirect_uris: [CALLBACK] };
    expect(await call('POST', '/api/v1/clients', { body })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await call('POST', '/api/v1/clients', { body, headers: { 'x-csrf-token': 'g1.forged' } })).status).toBe(403);
    expect((await call('POST', '/api/v1/clients', { body, headers: { 'x-csrf-token': await pageToken() } })).status).toBe(201);
    expect((await call('GET', '/api/v1/clients', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('answers a browser only at the issuer host (DNS rebinding), and the page refuses framing', async () => {
    // fetch cannot set Host; a DNS-rebound page's requests carry the attacker's name in it.
    const port = new URL(meshid.issuer).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/api/v1/clients', headers: { host: `attacker.example:${port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(rebound).toBe(403);
    const page = await fetch(`${meshid.issuer}/`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a person without allow_admin_ui is refused, and the refusal is recorded as AdminActionDenied', async () => {
    const refused = await call('GET', '/api/v1/clients', { base: other.issuer });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden', error_description: expect.stringContaining('bob@example.com') } });
    expect((await fetch(`${other.issuer}/`)).status).toBe(403);
    const denied = (await events(other)).filter((event) => event.type === 'AdminActionDenied');
    expect(denied[0]).toMatchObject({ stream: expect.stringMatching(/^audit-\d{4}-\d{2}-\d{2}$/), data: { method: 'GET', path: '/api/v1/clients', reason: 'not_an_administrator', actor: 'person:bob@example.com' }, metadata: { ip: '127.0.0.1' } });
  });

  it('tokens: garbage is 401 with a Bearer challenge; without meshid:admin, or once the client loses it, 403', async () => {
    const garbage = await call('GET', '/api/v1/clients', { token: 'not-a-token' });
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toContain('Bearer');
    const app = await asOps('POST', '/api/v1/clients', { client_name: 'Not admin', grant_types: ['client_credentials'], scope: 'api', redirect_uris: [] });
    const plain = await clientCredentialsToken(meshid.issuer, app.body['client_id'] as string, app.body['client_secret'] as string, 'api');
    expect((await call('GET', '/api/v1/clients', { token: plain })).status).toBe(403);

    const second = await asOps('POST', '/api/v1/clients', { client_name: 'Second admin', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
    const id = second.body['client_id'] as string;
    const token = await clientCredentialsToken(meshid.issuer, id, second.body['client_secret'] as string, 'meshid:admin');
    expect((await call('GET', '/api/v1/whoami', { token })).body).toEqual({ kind: 'client', actor: `client:${id}`, name: 'Second admin' });
    expect((await asOps('PATCH', `/api/v1/clients/${id}`, { scope: 'api' }, { 'if-match': '"0"' })).status).toBe(200);
    expect((await call('GET', '/api/v1/whoami', { token })).status).toBe(403);
    const reasons = (await events(meshid)).filter((event) => event.type === 'AdminActionDenied').map((event) => event.data['reason']);
    expect(reasons).toEqual(expect.arrayContaining(['invalid_token', 'insufficient_scope', 'cross_site', 'wrong_host']));
    expect(JSON.stringify(await events(meshid), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(token);
  });

  it('a person cannot get meshid:admin through a sign-in, even from a client allowed it', async () => {
    const created = await asOps('POST', '/api/v1/clients', { client_name: 'Sneaky', redirect_uris: [CALLBACK], scope: 'openid meshid:admin' });
    const tokens = await codeLogin(meshid.issuer, created.body['client_id'] as string, oauth.ClientSecretBasic(created.body['client_secret'] as string), CALLBACK, 'openid meshid:admin');
    expect(tokens.scope).toBe('openid');
    expect((await call('GET', '/api/v1/whoami', { token: tokens.access_token })).status).toBe(403);
  });
});

describe('admin API: description', () => {
  it('serves its OpenAPI document and the browsable page at /api/docs', async () => {
    const document = (await (await fetch(`${meshid.issuer}/api/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/clients', '/api/v1/clients/{clientId}', '/api/v1/clients/{clientId}/secret', '/api/v1/keys/{kid}/retire', '/api/v1/grants/revoke-all']),
    );
    expect(Object.keys(document.paths).every((path) => path.startsWith('/api/v1/'))).toBe(true);
    const page = await fetch(`${meshid.issuer}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });

  it('every malformed body gets a JSON 4xx, never a 5xx', async () => {
    const id = (await asOps('POST', '/api/v1/clients', { client_name: 'Fuzzed', redirect_uris: [CALLBACK] })).body['client_id'] as string;
    const bodies: unknown[] = [null, [], 'text', 7, { client_name: null }, { redirect_uris: [1, 2] }, { grant_types: 'client_credentials' }, { refresh_token_ttl_seconds: 'a lot' }, { contacts: new Array(500).fill('x') }, { ['__proto__']: { admin: true } }, { scope: 'a'.repeat(5000) }];
    for (const body of bodies) {
      for (const [method, path] of [['POST', '/api/v1/clients'], ['PATCH', `/api/v1/clients/${id}`]] as const) {
        const answer = await fetch(`${meshid.issuer}${path}`, { method, headers: { authorization: `Bearer ${opsToken}`, 'content-type': 'application/json', 'if-match': '*' }, body: JSON.stringify(body) });
        expect([JSON.stringify(body).slice(0, 40), method, answer.status >= 400 && answer.status < 500]).toEqual([JSON.stringify(body).slice(0, 40), method, true]);
        expect(answer.headers.get('content-type')).toContain('application/json');
      }
    }
  });
});
