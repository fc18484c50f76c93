import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/test-server.js';

// The security headers and cookie flags of every kind of answer meshid gives (issue H §5): HTML
// pages (sign-in, consent, error, admin UI), JSON OAuth answers and errors, discovery and JWKS.
// Once with an https issuer (meshid behind a TLS-terminating proxy: HSTS, Secure, __Host-), once
// with an http one (none of those, which browsers would ignore or refuse over http).

const CALLBACK = 'http://127.0.0.1:9999/callback';
const TAILNET = { 'tailscale-user-login': 'alice@example.com', 'tailscale-user-name': 'Alice Example' };

interface Setup {
  server: TestServer;
  https: boolean;
  clientId: string;
  /** Every answer fetched, by a name for messages. */
  answers: Map<string, Response>;
}

let secure: Setup;
let plain: Setup;

async function setUp(https: boolean): Promise<Setup> {
  const env: Record<string, string> = https
    ? { MESHID_ISSUER: 'https://idp.example.ts.net', MESHID_IDENTITY: 'proxy-headers,account', MESHID_TRUSTED_PROXIES: '127.0.0.1/32' }
    : { MESHID_IDENTITY: 'tailscale,account', MESHID_TAILSCALE_SOCKET: '/nonexistent/tailscaled.sock' };
  const server = await startTestServer(env);
  const { clientId } = await server.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK] });
  return { server, https, clientId, answers: new Map() };
}

beforeAll(async () => {
  [secure, plain] = await Promise.all([setUp(true), setUp(false)]);
  for (const setup of [secure, plain]) await fetchAll(setup);
}, 60_000);
afterAll(async () => Promise.all([secure?.server.close(), plain?.server.close()]));

/** One request of each kind; `tailnet` makes it come from a tailnet person (https setup only). */
async function fetchAll(setup: Setup): Promise<void> {
  const base = setup.server.server.url;
  const authorize = (extra: Record<string, string>) =>
    `${base}/authorize?${new URLSearchParams({ client_id: setup.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGrSw9Ignc', code_challenge_method: 'S256', ...extra })}`;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(path.startsWith('http') ? path : `${base}${path}`, { headers, redirect: 'manual' });
  const requests: Array<[string, () => Promise<Response>]> = [
    ['sign-in page', () => get('/login')],
    ['error page', () => get(`/authorize?client_id=nobody&response_type=code`)],
    ['admin UI', () => get('/')],
    ['discovery', () => get('/.well-known/openid-configuration')],
    ['JWKS', () => get('/.well-known/jwks.json')],
    ['token error', () => fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=bogus' })],
    ['unknown path', () => get('/nowhere')],
    ['userinfo without a token', () => get('/userinfo')],
  ];
  if (setup.https) {
    requests.push(['consent page', () => get(authorize({ prompt: 'consent' }), TAILNET)]);
    requests.push(['authorization redirect', () => get(authorize({}), TAILNET)]);
  }
  for (const [name, request] of requests) setup.answers.set(name, await request());
}

const PAGES = ['sign-in page', 'error page', 'admin UI', 'consent page'];

/** The directives of a CSP, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describe.each([
  ['an https issuer', () => secure],
  ['an http issuer', () => plain],
])('with %s', (_, setup) => {
  it('got each kind of answer it means to check', () => {
    const statuses = Object.fromEntries([...setup().answers].map(([name, answer]) => [name, answer.status]));
    expect(statuses).toEqual({
      'sign-in page': 200,
      'error page': 400,
      // No administrator here: the refusal page, which carries the admin page's headers.
      'admin UI': setup().https ? 403 : 503,
      discovery: 200,
      JWKS: 200,
      'token error': 400,
      'unknown path': 404,
      'userinfo without a token': 401,
      ...(setup().https ? { 'consent page': 200, 'authorization redirect': 303 } : {}),
    });
    for (const name of PAGES.filter((page) => setup().answers.has(page))) {
      expect({ name, type: setup().answers.get(name)!.headers.get('content-type') }).toEqual({ name, type: expect.stringContaining('text/html') });
    }
  });

  it('gives every page a CSP with frame-ancestors and base-uri none and no inline script, X-Frame-Options DENY and a strict Referrer-Policy', () => {
    for (const name of PAGES) {
      const answer = setup().answers.get(name);
      if (answer === undefined) continue;
      const csp = directives(answer.headers.get('content-security-policy') ?? '');
      const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
      expect({ name, frameAncestors: csp.get('frame-ancestors'), baseUri: csp.get('base-uri'), inlineScript: scripts.includes("'unsafe-inline'") || scripts.includes("'unsafe-eval'") }).toEqual({
        name,
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        inlineScript: false,
      });
      expect({ name, frameOptions: answer.headers.get('x-frame-options') }).toEqual({ name, frameOptions: 'DENY' });
      expect({ name, referrer: ['no-referrer', 'strict-origin', 'same-origin'].includes(answer.headers.get('referrer-policy') ?? '') }).toEqual({ name, referrer: true });
    }
  });

  it('sends X-Content-Type-Options: nosniff on every answer', () => {
    for (const [name, answer] of setup().answers) expect({ name, nosniff: answer.headers.get('x-content-type-options') }).toEqual({ name, nosniff: 'nosniff' });
  });

  it('sends HSTS on every answer exactly when the issuer is https', () => {
    for (const [name, answer] of setup().answers) {
      expect({ name, hsts: answer.headers.get('strict-transport-security') }).toEqual({ name, hsts: setup().https ? 'max-age=31536000' : null });
    }
  });

  it('flags every cookie HttpOnly, SameSite, Path=/, and Secure with the __Host- prefix when https', () => {
    const cookies = [...setup().answers].flatMap(([name, answer]) => answer.headers.getSetCookie().map((cookie) => ({ name, cookie })));
    const names = cookies.map(({ cookie }) => cookie.split('=')[0]);
    const prefix = setup().https ? '__Host-' : '';
    // The pre-login CSRF cookie of the sign-in page, and (https setup) the session a tailnet person gets.
    expect(names).toContain(`${prefix}meshid_login`);
    if (setup().https) expect(names).toContain('__Host-meshid_session');
    for (const { name, cookie } of cookies) {
      const attributes = cookie.split(';').slice(1).map((part) => part.trim().toLowerCase());
      expect({ name, cookie: cookie.split('=')[0], httpOnly: attributes.includes('httponly'), sameSite: attributes.includes('samesite=lax') || attributes.includes('samesite=strict'), path: attributes.includes('path=/'), secure: attributes.includes('secure'), prefixed: cookie.startsWith(prefix) }).toEqual({
        name,
        cookie: cookie.split('=')[0],
        httpOnly: true,
        sameSite: true,
        path: true,
        secure: setup().https,
        prefixed: true,
      });
    }
  });

  it('answers OAuth JSON with no-store', () => {
    for (const name of ['token error', 'unknown path', 'userinfo without a token']) {
      const answer = setup().answers.get(name)!;
      expect({ name, type: answer.headers.get('content-type'), cache: answer.headers.get('cache-control') }).toEqual({ name, type: expect.stringContaining('application/json'), cache: 'no-store' });
    }
  });
});
