import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oidc from 'openid-client';
import { EVENT_STORE, type EventStore } from '#event-store';
import { ApprovalsModule } from '../src/approvals/approvals.module.js';
import { Clock } from '../src/common/clock.js';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Approve from a tailnet device (issue G §3) over HTTP, with openid-client as the relying party.
// The approver is recognised by trusted proxy headers (as `tailscale serve` sends them); the
// waiting browser comes from the same loopback proxy address but carries none, so only its
// sign-in session, once approved, can say who it is.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const ALICE = { 'tailscale-user-login': 'alice@example.com', 'tailscale-user-name': 'Alice Example' };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

let meshid: TestServer;
let config: oidc.Configuration;
let store: EventStore;
const verifier = oidc.randomPKCECodeVerifier();

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_IDENTITY: 'proxy-headers,account', MESHID_TRUSTED_PROXIES: '127.0.0.1/32' });
  store = meshid.server.app.get<EventStore>(EVENT_STORE);
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana <prod>', redirect_uris: [CALLBACK] });
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterEach(() => {
  jest.restoreAllMocks();
});
afterAll(async () => meshid?.close());

/** A browser of this file's meshid; `headers` make it a tailnet device behind the trusted proxy. */
class Jar extends Browser {
  constructor(headers: Record<string, string> = {}) {
    super(meshid.issuer, headers);
  }
}

async function authorizePath(): Promise<string> {
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'st-1',
    nonce: 'n-1',
  });
  return `${url.pathname}${url.search}`;
}

interface Waiting {
  browser: Jar;
  code: string;
  number: number;
  returnTo: string;
  formToken: string;
}

/** A browser outside the tailnet asks for an approval; what its page shows. */
async function startWaiting(browser = new Jar({ 'user-agent': FIREFOX })): Promise<Waiting> {
  const returnTo = await authorizePath();
  const response = await browser.fetch(`/login/approve?${new URLSearchParams({ return_to: returnTo })}`);
  const html = await response.text();
  expect(response.status).toBe(200);
  const code = /id="approval-code">([0-9A-Z]{4}-[0-9A-Z]{4})</.exec(html)![1]!;
  const number = Number(/id="approval-number">(\d\d)</.exec(html)![1]);
  return { browser, code, number, returnTo, formToken: formField(html, 'form_token') };
}

/** The approver enters the code; the question page, its numbers and its form. */
async function lookUp(approver: Jar, code: string) {
  const entry = await approver.fetch('/approve');
  expect(entry.status).toBe(200);
  const response = await approver.post('/approve', { code, form_token: formField(await entry.text(), 'form_token') });
  const html = await response.text();
  const choices = [...html.matchAll(/name="answer" value="(\d\d)"/g)].map((m) => Number(m[1]));
  return { response, html, choices, answer: (answer: string) => approver.post('/approve/decision', { approval_id: formField(html, 'approval_id'), form_token: formField(html, 'form_token'), answer }) };
}

const complete = (waiting: Waiting) => waiting.browser.post('/login/approve/complete', { return_to: waiting.returnTo, form_token: waiting.formToken });
const status = async (browser: Jar) => ((await (await browser.fetch('/login/approve/status')).json()) as { status: string }).status;

async function streamTypes(prefix: string): Promise<string[][]> {
  const byStream = new Map<string, string[]>();
  for await (const event of store.readAll()) if (event.stream.startsWith(prefix)) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event.type]);
  return [...byStream.values()];
}

describe('approve from a tailnet device', () => {
  it('signs the waiting browser in as the approver: the ID token carries their sub and claims', async () => {
    const waiting = await startWaiting();
    const approvalCookie = waiting.browser.cookies.get('meshid_approval')!;
    expect(approvalCookie).toMatch(/^[0-9A-Z]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(await status(waiting.browser)).toBe('pending');

    const approver = new Jar(ALICE);
    const question = await lookUp(approver, waiting.code.toLowerCase());
    expect(question.response.status).toBe(200);
    expect(question.html).toContain('Grafana &lt;prod&gt;');
    expect(question.html).toContain('Browser: Firefox 128 on Linux');
    expect(question.html).toContain('Address: 127.0.0.1');
    expect(question.choices).toHaveLength(3);
    expect(question.choices).toContain(waiting.number);
    const approved = await question.answer(String(waiting.number));
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('signed in as alice@example.com');
    expect(await status(waiting.browser)).toBe('approved');

    const done = await complete(waiting);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(waiting.returnTo);
    expect(waiting.browser.cookies.has('meshid_approval')).toBe(false);
    expect(waiting.browser.cookies.get('meshid_session')).toBeDefined();

    const authorized = await waiting.browser.fetch(waiting.returnTo);
    expect(authorized.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(authorized.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
    expect(tokens.claims()).toMatchObject({ sub: 'login:alice@example.com', name: 'Alice Example', email: 'alice@example.com' });

    const approvals = await streamTypes('approval-');
    expect(approvals).toContainEqual(['ApprovalRequested', 'ApprovalGranted', 'ApprovalRedeemed']);
    const audit: Array<Record<string, unknown>> = [];
    for await (const event of store.readAll()) if (event.stream.startsWith('audit-') && event.type === 'LoginSucceeded') audit.push(event.data);
    expect(audit).toContainEqual(expect.objectContaining({ subject: 'login:alice@example.com', method: 'approval' }));

    // In the log itself: the approver's identity sealed, neither the code nor the browser's secret anywhere.
    const db = new Database(join(meshid.dataDir, 'meshid.db'), { readonly: true });
    try {
      const rows = db.prepare("SELECT stream, data FROM events WHERE stream LIKE 'approval-%'").all() as Array<{ stream: string; data: string }>;
      const raw = rows.map((row) => `${row.stream} ${row.data}`).join('\n');
      expect(raw).toContain('"subject":"login:alice@example.com"');
      expect(raw).not.toContain('Alice Example');
      expect(raw).not.toContain(waiting.code.replace('-', ''));
      expect(raw).not.toContain(approvalCookie.split('.')[1]!);
    } finally {
      db.close();
    }
  });

  it('is single use: a second Continue fails, and of two concurrent ones exactly one signs in', async () => {
    const waiting = await startWaiting();
    const approvalCookie = waiting.browser.cookies.get('meshid_approval')!;
    const question = await lookUp(new Jar(ALICE), waiting.code);
    await question.answer(String(waiting.number));

    const results = await Promise.all([complete(waiting), complete(waiting)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(await loser.text()).toContain('already used');
    expect(loser.headers.getSetCookie().some((c) => c.startsWith('meshid_session='))).toBe(false);

    waiting.browser.cookies.set('meshid_approval', approvalCookie);
    const again = await complete(waiting);
    expect(again.status).toBe(409);
    const redeemed = (await streamTypes('approval-')).filter((types) => types.includes('ApprovalRedeemed'));
    expect(redeemed.every((types) => types.filter((t) => t === 'ApprovalRedeemed').length === 1)).toBe(true);
  });

  it('denies the request when the approver picks a wrong number, and tells the waiting browser', async () => {
    const waiting = await startWaiting();
    const question = await lookUp(new Jar(ALICE), waiting.code);
    const wrong = question.choices.find((n) => n !== waiting.number)!;
    const answered = await question.answer(String(wrong));
    expect(await answered.text()).toContain('Wrong number');
    expect(await status(waiting.browser)).toBe('denied');
    // The right number afterwards changes nothing.
    expect((await question.answer(String(waiting.number))).status).toBe(409);
    const done = await complete(waiting);
    expect(done.status).toBe(403);
    expect(await done.text()).toContain('was not the one this page showed');
    expect(waiting.browser.cookies.has('meshid_session')).toBe(false);
  });

  it('records a plain denial', async () => {
    const waiting = await startWaiting();
    const question = await lookUp(new Jar(ALICE), waiting.code);
    expect(await (await question.answer('deny')).text()).toContain('Sign-in denied');
    expect((await complete(waiting)).status).toBe(403);
  });

  it('lets no other browser redeem the approval, even one that knows the code', async () => {
    const waiting = await startWaiting();
    await (await lookUp(new Jar(ALICE), waiting.code)).answer(String(waiting.number));
    const thief = new Jar();
    expect(await status(thief)).toBe('unknown');
    expect((await complete({ ...waiting, browser: thief })).status).toBe(400);
    const forged = waiting.code.replace('-', '');
    thief.cookies.set('meshid_approval', `${forged}.${'A'.repeat(43)}`);
    expect(await status(thief)).toBe('unknown');
    expect((await complete({ ...waiting, browser: thief })).status).toBe(400);
    expect(thief.cookies.has('meshid_session')).toBe(false);
    expect((await complete(waiting)).status).toBe(303);
  });

  it('expires codes after 5 minutes', async () => {
    const waiting = await startWaiting();
    const clock = meshid.server.app.select(ApprovalsModule).get(Clock, { strict: true });
    const later = Date.now() + 5 * 60_000 + 1000;
    jest.spyOn(clock, 'now').mockReturnValue(later);
    const question = await lookUp(new Jar(ALICE), waiting.code);
    expect(question.response.status).toBe(409);
    expect(question.html).toContain('expired');
    expect(await status(waiting.browser)).toBe('expired');
    expect((await complete(waiting)).status).toBe(410);
  });

  it('keeps a pending request waiting when Continue is pressed before anyone approved (no script)', async () => {
    const waiting = await startWaiting();
    const response = await complete(waiting);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Nobody has approved this sign-in yet.');
    expect(html).toContain(`id="approval-code">${waiting.code}<`);
  });

  it('serves the waiting page with its script from our origin only', async () => {
    const browser = new Jar();
    const response = await browser.fetch(`/login/approve?${new URLSearchParams({ return_to: await authorizePath() })}`);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; script-src 'self'; connect-src 'self'");
    expect(await response.text()).toContain('<script src="/login/approve/waiting.js"></script>');
    const script = await browser.fetch('/login/approve/waiting.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('/login/approve/status');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('meshid_approval='))!;
    expect(cookie).toMatch(/; Max-Age=300; Path=\/login\/approve; HttpOnly; SameSite=Strict$/);
  });

  it('refuses a return_to that is not an authorization request of a known client', async () => {
    for (const returnTo of ['https://evil.example/authorize?client_id=x', '//evil.example', '/authorize?client_id=nobody&redirect_uri=x']) {
      const response = await new Jar().fetch(`/login/approve?${new URLSearchParams({ return_to: returnTo })}`);
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('only lets people the network identifies approve, never a sign-in session (not even an approved one)', async () => {
    const nobody = await new Jar().fetch('/approve');
    expect(nobody.status).toBe(403);
    expect(await nobody.text()).toContain('Open this page from a tailnet device');

    const waiting = await startWaiting();
    await (await lookUp(new Jar(ALICE), waiting.code)).answer(String(waiting.number));
    await complete(waiting);
    expect((await waiting.browser.fetch('/approve')).status).toBe(403);
    expect((await waiting.browser.post('/approve', { code: 'ABCD-EFGH', form_token: 'x' })).status).toBe(403);
  });

  it('refuses forms whose token is not bound to this approver', async () => {
    const waiting = await startWaiting();
    const alice = new Jar(ALICE);
    const question = await lookUp(alice, waiting.code);
    const bob = new Jar({ 'tailscale-user-login': 'bob@example.com' });
    const stolen = await bob.post('/approve/decision', { approval_id: formField(question.html, 'approval_id'), form_token: formField(question.html, 'form_token'), answer: String(waiting.number) });
    expect(stolen.status).toBe(400);
    expect((await alice.post('/approve', { code: waiting.code, form_token: 'forged' })).status).toBe(400);
    expect(await status(waiting.browser)).toBe('pending');
  });

  it('rate-limits wrong codes per address', async () => {
    const approver = new Jar({ 'tailscale-user-login': 'mallory@example.com', 'x-forwarded-for': '100.64.0.99' });
    const token = formField(await (await approver.fetch('/approve')).text(), 'form_token');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await approver.post('/approve', { code: `ZZZZ-ZZ${String(i).padStart(2, '0')}`, form_token: token })).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    const limited = await approver.post('/approve', { code: 'ZZZZ-ZZZZ', form_token: token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
