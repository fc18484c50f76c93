import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { AccountSignIn } from '../src/accounts/sign-in/account-sign-in.js';
import { clientCredentialsToken, discover, INSECURE } from './support/code-login.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// /metrics after a real login, and the log lines of the same requests: route patterns and
// counts, never a code, state, token or secret. Funnel and the metrics token keep it private.
const CALLBACK = 'https://rp.example/callback';
const METRICS_TOKEN = randomBytes(24).toString('hex');
const logLines: string[] = [];
let meshid: TestServer;
let secrets: string[];
let metricsText: string;

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) => fetch(`${meshid.issuer}/metrics`, { headers });

/** The value of one sample, e.g. `meshid_tokens_issued_total{grant_type="refresh_token"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A code login like support/code-login's, with `state`, keeping the code and state it saw. */
async function loginWithState(clientId: string, clientSecret: string) {
  const as = await discover(meshid.issuer);
  const client: oauth.Client = { client_id: clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  const params = { client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid offline_access', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const redirect = await fetch(url, { redirect: 'manual', headers: { 'x-request-id': 'metrics-e2e-authorize' } });
  expect(redirect.status).toBe(303);
  expect(redirect.headers.get('x-request-id')).toBe('metrics-e2e-authorize');
  const location = new URL(redirect.headers.get('location')!);
  const callback = oauth.validateAuthResponse(as, client, location, state);
  const auth = oauth.ClientSecretBasic(clientSecret);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback, CALLBACK, verifier, INSECURE));
  const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, INSECURE));
  return { code: location.searchParams.get('code')!, state, verifier, tokens: [tokens.access_token, tokens.refresh_token!, tokens.id_token!, refreshed.access_token, refreshed.refresh_token!] };
}

beforeAll(async () => {
  meshid = await startTestServer(
    { MESHID_DEV_IDENTITY: 'alice@example.com', MESHID_TRUSTED_PROXIES: '127.0.0.1/32', MESHID_METRICS_TOKEN: METRICS_TOKEN, MESHID_LOG_LEVEL: 'log' },
    { logDestination: { write: (line) => void logLines.push(line) } },
  );
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'RP', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
  const login = await loginWithState(clientId, clientSecret!);
  const machineToken = await clientCredentialsToken(meshid.issuer, clientId, clientSecret!, '');
  // A failed sign-in of a local account, through the same service the login page calls.
  const failed = await meshid.server.app.get(AccountSignIn).password('nobody', 'not-the-password', undefined, { ip: '203.0.113.7', correlationId: 'metrics-e2e' });
  expect(failed).toEqual({ ok: false, reason: 'invalid_credentials' });
  // A path parameter and a query string that must reach neither the metrics nor the logs.
  const probe = await fetch(`${meshid.issuer}/register/PATHSECRET0123?registration_access_token=QUERYSECRET0123`);
  expect(probe.status).toBeGreaterThanOrEqual(400);
  secrets = [login.code, login.state, login.verifier, ...login.tokens, machineToken, clientSecret!, 'PATHSECRET0123', 'QUERYSECRET0123', METRICS_TOKEN, 'not-the-password'];
  const scraped = await scrape();
  expect(scraped.status).toBe(200);
  metricsText = await scraped.text();
}, 60_000);

afterAll(async () => meshid?.close());

describe('GET /metrics', () => {
  it('answers in the Prometheus text format 0.0.4, with Node process metrics', async () => {
    const response = await scrape();
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(metricsText).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metricsText).toMatch(/^nodejs_eventloop_lag_seconds \S+/m);
  });

  it('counts requests and latency by method, route pattern and status', () => {
    expect(sample(metricsText, 'meshid_http_requests_total{method="GET",route="/authorize",status_code="303"}')).toBe(1);
    expect(sample(metricsText, 'meshid_http_requests_total{method="POST",route="/token",status_code="200"}')).toBe(3);
    expect(sample(metricsText, 'meshid_http_requests_total{method="GET",route="/.well-known/openid-configuration",status_code="200"}')).toBeGreaterThanOrEqual(1);
    expect(metricsText).toMatch(/^meshid_http_requests_total\{method="GET",route="\/register\/:clientId",status_code="4\d\d"\} 1$/m);
    expect(sample(metricsText, 'meshid_http_request_duration_seconds_count{method="POST",route="/token",status_code="200"}')).toBe(3);
    expect(metricsText).toMatch(/^meshid_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/authorize",status_code="303"\} 1$/m);
    // Every route label is a pattern the router knows, or `unmatched`: never a URL as sent.
    const routes = [...metricsText.matchAll(/route="([^"]*)"/g)].map((match) => match[1]!);
    for (const route of routes) expect(route === 'unmatched' || (route.startsWith('/') && !route.includes('?'))).toBe(true);
  });

  it('counts tokens issued by grant type and sign-ins by method and outcome', () => {
    expect(sample(metricsText, 'meshid_tokens_issued_total{grant_type="authorization_code"}')).toBe(1);
    expect(sample(metricsText, 'meshid_tokens_issued_total{grant_type="refresh_token"}')).toBe(1);
    expect(sample(metricsText, 'meshid_tokens_issued_total{grant_type="client_credentials"}')).toBe(1);
    expect(sample(metricsText, 'meshid_logins_total{method="password",outcome="failed"}')).toBe(1);
    // The one code login: a network identity (here the dev one) whose session /authorize started.
    expect(sample(metricsText, 'meshid_logins_total{method="dev",outcome="succeeded"}')).toBe(1);
  });

  it('reports each projection: lag, checkpoint, caught up, not failed; and the store reachable', () => {
    for (const projection of ['grants', 'clients', 'signing-keys']) {
      expect(sample(metricsText, `meshid_projection_lag_seconds{projection="${projection}"}`)).toBeGreaterThanOrEqual(0);
      expect(sample(metricsText, `meshid_projection_checkpoint{projection="${projection}"}`)).toBeGreaterThan(0);
      expect(sample(metricsText, `meshid_projection_caught_up{projection="${projection}"}`)).toBe(1);
      expect(sample(metricsText, `meshid_projection_failed{projection="${projection}"}`)).toBe(0);
    }
    expect(sample(metricsText, 'meshid_event_store_reachable')).toBe(1);
  });

  it('times the event store by operation', async () => {
    expect(sample(metricsText, 'meshid_event_store_operation_duration_seconds_count{operation="append",outcome="ok"}')).toBeGreaterThan(0);
    expect(sample(metricsText, 'meshid_event_store_operation_duration_seconds_count{operation="read_stream",outcome="ok"}')).toBeGreaterThan(0);
    expect(metricsText).toMatch(/^meshid_event_store_operation_duration_seconds_bucket\{le="0\.005",operation="append",outcome="ok"\} \d+$/m);
    // A scrape's own readiness probe reads the head of $all: it shows from the next scrape on.
    const next = await (await scrape()).text();
    expect(sample(next, 'meshid_event_store_operation_duration_seconds_count{operation="read_all",outcome="ok"}')).toBeGreaterThan(0);
  });

  it('never shows a code, state, token or secret', () => {
    for (const secret of secrets) expect(metricsText).not.toContain(secret);
  });

  it('wants the metrics token when one is configured', async () => {
    const without = await scrape({});
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toContain('Bearer');
    expect(await without.json()).toMatchObject({ error: 'invalid_token' });
    expect((await scrape({ authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}x` })).status).toBe(401);
    expect((await scrape({ authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` })).status).toBe(401);
    expect((await scrape()).status).toBe(200);
  });

  it('is refused over Tailscale Funnel, token or not', async () => {
    const response = await scrape({ authorization: `Bearer ${METRICS_TOKEN}`, 'tailscale-funnel-request': '?1', 'x-forwarded-for': '198.51.100.4' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: 'not available over Tailscale Funnel' });
  });
});

describe('the log', () => {
  const records = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('is one JSON object a line, with time, level and msg', () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const record of records()) expect(record).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    expect(records()).toContainEqual(expect.objectContaining({ level: 'info', context: 'meshid', msg: expect.stringMatching(/^health: GET http:\/\/127\.0\.0\.1:\d+\/healthz/) }));
  });

  it('has one line per request, with its id, method, route pattern, status and time taken', () => {
    const authorize = records().filter((record) => record.route === '/authorize');
    expect(authorize).toEqual([
      { level: 'info', time: expect.any(String), reqId: 'metrics-e2e-authorize', method: 'GET', route: '/authorize', status: 303, responseTime: expect.any(Number), msg: 'request completed' },
    ]);
    const tokens = records().filter((record) => record.route === '/token' && record.status === 200);
    expect(tokens).toHaveLength(3);
    for (const line of tokens) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(records()).toContainEqual(expect.objectContaining({ method: 'GET', route: '/register/:clientId', msg: 'request completed' }));
  });

  it('never holds a code, state, token or secret', () => {
    const text = logLines.join('');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
