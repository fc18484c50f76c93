import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { AdminApiError } from '../api/admin-api.js';
import { basicAuthorization, requestAdminToken } from './admin-token.js';
import { HttpAdminApi } from './http-admin-api.js';
import { type Answer, fakeServer, type Seen } from './testing-http-server.js';

const TOKEN = 'tok.en-very-secret';
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function api(route: (request: Seen) => Answer, basePath = '') {
  const server = await fakeServer(route);
  servers.push(server);
  return { api: new HttpAdminApi(new URL(basePath || '/', server.url), async () => TOKEN), seen: server.seen, url: server.url };
}

async function refusal(promise: Promise<unknown>): Promise<AdminApiError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AdminApiError);
  return error as AdminApiError;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('HttpAdminApi', () => {
  it('sends the bearer token, encodes path segments and query, and sends JSON bodies', async () => {
    const { api: client, seen } = await api(() => ({ body: { items: [], next_cursor: null } }));
    await client.listClients({ q: 'a b&c', limit: 5 });
    await client.getClient('id/with?odd#chars');
    await client.revokeGrant('g 1');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/clients?q=a+b%26c&limit=5',
      'GET /api/v1/clients/id%2Fwith%3Fodd%23chars',
      'POST /api/v1/grants/g%201/revoke',
    ]);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]!.headers['content-type']).toBeUndefined();
    expect(seen[2]!.headers['content-type']).toBe('application/json');
    expect(seen[2]!.body).toBe('{}');
  });

  it('keeps a base path, sends If-Match as a strong ETag, and maps every action to its route', async () => {
    const { api: client, seen } = await api((request) => (request.method === 'DELETE' ? { status: 204 } : { body: {} }), '/idp/');
    await client.updateClient('c1', { client_name: 'x' }, 7);
    await client.deleteClient('c1', 8);
    await client.deleteClient('c1');
    await client.regenerateSecret('c1', 0);
    await client.clientActivity('c1', 3);
    await client.rotateKeys({ algs: ['ES256'], immediate: true });
    await client.retireKey('k1', { unpublish_now: true });
    await client.listGrants({ subject: 'alice', client_id: 'c1', active: true, limit: 10, cursor: 'x' });
    await client.revokeSubjectGrants('alice');
    await client.createInitialAccessToken({ uses: 2 });
    await client.revokeInitialAccessToken('t1');
    await client.whoami();
    await client.listKeys();
    expect(seen.map((s) => `${s.method} ${s.url} ${s.headers['if-match'] ?? '-'} ${s.body || '-'}`)).toEqual([
      'PATCH /idp/api/v1/clients/c1 "7" {"client_name":"x"}',
      'DELETE /idp/api/v1/clients/c1 "8" -',
      'DELETE /idp/api/v1/clients/c1 - -',
      'POST /idp/api/v1/clients/c1/secret "0" {}',
      'GET /idp/api/v1/clients/c1/activity?limit=3 - -',
      'POST /idp/api/v1/keys/rotate - {"algs":["ES256"],"immediate":true}',
      'POST /idp/api/v1/keys/k1/retire - {"unpublish_now":true}',
      'GET /idp/api/v1/grants?subject=alice&client_id=c1&active=true&limit=10&cursor=x - -',
      'POST /idp/api/v1/grants/revoke-all - {"subject":"alice"}',
      'POST /idp/api/v1/initial-access-tokens - {"uses":2}',
      'POST /idp/api/v1/initial-access-tokens/t1/revoke - {}',
      'GET /idp/api/v1/whoami - -',
      'GET /idp/api/v1/keys - -',
    ]);
  });

  it('turns an admin error body into AdminApiError with its fields', async () => {
    const { api: client } = await api(() => ({
      status: 400,
      body: { error: 'invalid_request', error_description: 'invalid client metadata', fields: [{ field: 'redirect_uris[0]', message: 'is not https' }] },
    }));
    const error = await refusal(client.createClient({}));
    expect(error).toMatchObject({ code: 'invalid_request', description: 'invalid client metadata', fields: [{ field: 'redirect_uris[0]', message: 'is not https' }] });
  });

  it.each([
    [401, { error: 'invalid_token', error_description: 'the access token expired' }, 'unauthorized', 'the access token expired'],
    [412, { error: 'precondition_failed', error_description: 'stale' }, 'precondition_failed', 'stale'],
    [404, { error: 'whatever' }, 'not_found', 'whatever'],
    [502, '<html>bad gateway</html>', 'temporarily_unavailable', 'answered HTTP 502 with a body that is not JSON'],
    [500, undefined, 'server_error', 'answered HTTP 500 with an empty body'],
  ])('maps an HTTP %i answer without a known code by its status', async (status, body, code, description) => {
    const { api: client } = await api(() => ({ status, body }));
    const error = await refusal(client.whoami());
    expect(error.code).toBe(code);
    expect(error.description).toContain(description);
  });

  it('reads the description of a bodiless 401 from its Bearer challenge', async () => {
    const { api: client } = await api(() => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="token revoked"' } }));
    expect(await refusal(client.whoami())).toMatchObject({ code: 'unauthorized', description: expect.stringContaining('token revoked') });
  });

  it('refuses to follow a redirect, and says where it pointed', async () => {
    const { api: client } = await api(() => ({ status: 308, headers: { location: 'https://idp.example/api/v1/whoami' } }));
    const error = await refusal(client.whoami());
    expect(error.code).toBe('invalid_request');
    expect(error.description).toContain('redirects (HTTP 308) to https://idp.example/api/v1/whoami');
  });

  it('says so when a 2xx answer is not JSON', async () => {
    const { api: client, url } = await api(() => ({ body: '<html>a web page</html>' }));
    const error = await refusal(client.whoami());
    expect(error.code).toBe('server_error');
    expect(error.description).toBe(`${url.href.replace(/\/$/, '')} answered HTTP 200 without JSON: is it a meshid instance?`);
  });

  it('reports an unreachable server as temporarily_unavailable, naming the URL and reason, never the token', async () => {
    const port = await closedPort();
    const client = new HttpAdminApi(new URL(`http://127.0.0.1:${port}`), async () => TOKEN);
    const error = await refusal(client.listKeys());
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.description).toMatch(new RegExp(`^cannot reach http://127.0.0.1:${port}: .*ECONNREFUSED`));
    expect(error.description).not.toContain(TOKEN);
  });
});

describe('client_credentials admin token', () => {
  const credentials = { clientId: 'ops:1', clientSecret: 's e+c%ret' };

  it('form-urlencodes both halves before base64 (RFC 6749 §2.3.1)', () => {
    expect(Buffer.from(basicAuthorization(credentials).slice(6), 'base64').toString()).toBe('ops%3A1:s+e%2Bc%25ret');
  });

  it('reads the token endpoint from discovery and asks for meshid:admin', async () => {
    const server = await fakeServer((request) =>
      request.url === '/.well-known/openid-configuration'
        ? { body: { token_endpoint: `http://${request.headers.host}/token` } }
        : { body: { access_token: 'at-1', token_type: 'Bearer' } },
    );
    servers.push(server);
    expect(await requestAdminToken(server.url, credentials)).toBe('at-1');
    const post = server.seen[1]!;
    expect(`${post.method} ${post.url}`).toBe('POST /token');
    expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(post.body))).toEqual({ grant_type: 'client_credentials', scope: 'meshid:admin' });
    expect(post.headers.authorization).toBe(basicAuthorization(credentials));
  });

  it.each([
    ['invalid_client', 401, 'unauthorized'],
    ['invalid_scope', 400, 'forbidden'],
    ['unauthorized_client', 400, 'forbidden'],
  ])('maps a token endpoint refusal %s (HTTP %i) to %s, without the secret in the message', async (error, status, code) => {
    const server = await fakeServer((request) =>
      request.url === '/.well-known/openid-configuration'
        ? { body: { token_endpoint: `http://${request.headers.host}/token` } }
        : { status, body: { error, error_description: `refused (${error})` } },
    );
    servers.push(server);
    const refused = await refusal(requestAdminToken(server.url, credentials));
    expect(refused.code).toBe(code);
    expect(refused.description).toBe(`the token endpoint refused the admin client: refused (${error})`);
    expect(refused.description).not.toContain(credentials.clientSecret);
  });

  it('calls a URL without a discovery document a usage error', async () => {
    const server = await fakeServer(() => ({ status: 404, body: 'not here' }));
    servers.push(server);
    expect(await refusal(requestAdminToken(server.url, credentials))).toMatchObject({ code: 'invalid_request', description: expect.stringContaining('is --url the meshid base URL?') });
  });
});
