import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as oidc from 'openid-client';
import type { Position } from '#event-store';
import { IssueBootstrapLinkCommand } from '../src/accounts/bootstrap/issue-bootstrap-link.command.js';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { DeleteAccountCommand } from '../src/accounts/commands/delete-account.command.js';
import { DisableAccountCommand } from '../src/accounts/commands/disable-account.command.js';
import { IssueSetupLinkCommand } from '../src/accounts/commands/issue-setup-link.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { base32Decode } from '../src/accounts/credentials/base32.js';
import { totpCode, totpStep } from '../src/accounts/credentials/totp.js';
import { Clock } from '../src/common/clock.js';
import { parseReturnTo } from '../src/sessions/http/return-to.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { Browser, formField } from './support/browser.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// The sign-in, setup-link and account pages over HTTP, on a server where nobody is recognised by
// the network (MESHID_IDENTITY=account): password and password + TOTP sign-ins, the generic
// failure, the rate limit's 429, CSRF refusals, return_to validation, and single-use setup links.
// openid-client is the relying party that sends the browser here and redeems the code.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const CONTEXT = { actor: 'test', correlationId: 'login-e2e' };

let meshid: TestServer;
let config: oidc.Configuration;
let commands: CommandBus;
const verifier = oidc.randomPKCECodeVerifier();

/** A browser of this file's meshid (see test/support/browser.ts). */
class Jar extends Browser {
  constructor() {
    super(meshid.issuer);
  }
}

/** The value a visible input of a page shows. */
function inputValue(html: string, name: string): string | undefined {
  return new RegExp(`<input [^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

async function settle(result: { position: Position }): Promise<void> {
  await meshid.server.app.get(ProjectionsService).waitFor(result.position, 5000);
}

/** An account with a password, made as an administrator would. */
async function createAccount(login: string, password: string): Promise<{ accountId: string; subject: string }> {
  const created = await commands.execute(new CreateAccountCommand({ login, name: `${login} Example`, email: `${login}@example.com` }, CONTEXT));
  await settle(await commands.execute(new SetPasswordCommand(created.accountId, password, CONTEXT)));
  return created;
}

async function authorizeUrl(params: Record<string, string> = {}): Promise<URL> {
  return oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st', ...params });
}

/** The return_to of the sign-in page /authorize sends a stranger to. */
async function returnToOf(params: Record<string, string> = {}): Promise<string> {
  const url = await authorizeUrl(params);
  return `${url.pathname}${url.search}`;
}

async function expectPage(response: Response, status: number, text: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const html = await response.text();
  expect(html).toContain(text);
  return html;
}

beforeAll(async () => {
  meshid = await startTestServer({ MESHID_IDENTITY: 'account' });
  commands = meshid.server.app.get(CommandBus);
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana <test>', redirect_uris: [CALLBACK] });
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => meshid?.close());

describe('the sign-in page', () => {
  it('is one small accessible page with no inline script, naming the application that asks', async () => {
    const returnTo = await returnToOf();
    const jar = new Jar();
    const response = await jar.fetch(`/login?${new URLSearchParams({ return_to: returnTo })}`);
    const html = await expectPage(response, 200, 'Sign in to Grafana &lt;test&gt;');
    expect(html).toContain('<html lang="en">');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline\'; script');
    expect(html).toMatch(/<script src="\/login\/assets\/passkey.js" defer><\/script>/);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('autocomplete="username webauthn"');
    expect(html).toContain('autocomplete="current-password"');
    for (const [, id] of html.matchAll(/<input id="([^"]+)"/g)) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain(`href="/login/approve?${new URLSearchParams({ return_to: returnTo }).toString().replace(/&/g, '&amp;')}"`);
    expect(formField(html, 'return_to')).toBe(returnTo);
    expect(jar.cookies.get('meshid_login')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const script = await fetch(`${meshid.issuer}/login/assets/passkey.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('navigator.credentials.get');
    expect((await fetch(`${meshid.issuer}/login/assets/..%2Fpasskey.js`)).status).toBe(404);
  });

  it('refuses a return_to that is not an authorization request of this server', async () => {
    for (const bad of ['https://evil.example/authorize?x=1', '//evil.example/authorize?x=1', '/admin', '/authorize\\@evil.example?x', 'javascript:alert(1)']) {
      const response = await new Jar().fetch(`/login?${new URLSearchParams({ return_to: bad })}`);
      await expectPage(response, 400, 'This sign-in link is not valid');
    }
    const jar = new Jar();
    const csrf = formField(await (await jar.fetch('/login')).text(), 'csrf');
    const response = await jar.post('/login', { csrf, login: 'nobody', password: 'whatever-123', return_to: 'https://evil.example/' });
    await expectPage(response, 400, 'This sign-in link is not valid');
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a form without the token bound to its own pre-login cookie (CSRF)', async () => {
    await createAccount('csrf-target', 'correct horse battery');
    const victim = new Jar();
    const attacker = new Jar();
    const attackerToken = formField(await (await attacker.fetch('/login')).text(), 'csrf');
    await victim.fetch('/login');
    // No cookie at all (a cross-site post from a browser that never saw the page).
    await expectPage(await new Jar().post('/login', { csrf: attackerToken, login: 'csrf-target', password: 'correct horse battery' }), 403, 'This sign-in form has expired');
    // The victim's cookie with a token the attacker got for their own cookie.
    const forged = await victim.post('/login', { csrf: attackerToken, login: 'csrf-target', password: 'correct horse battery' });
    await expectPage(forged, 403, 'This sign-in form has expired');
    expect(victim.cookies.has('meshid_session')).toBe(false);
    // The passkey endpoints want it too.
    const options = await victim.fetch('/login/passkey/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csrf: attackerToken }) });
    expect(options.status).toBe(403);
  });
});

describe('signing in with a password', () => {
  it('goes back to the authorization request, whose code openid-client redeems for the account', async () => {
    const alice = await createAccount('alice', 'correct horse battery');
    const jar = new Jar();
    const authorize = await jar.fetch(await authorizeUrl({ prompt: 'login', max_age: '0' }));
    expect(authorize.status).toBe(303);
    const login = new URL(authorize.headers.get('location')!, meshid.issuer);
    expect(login.pathname).toBe('/login');
    const returnTo = login.searchParams.get('return_to')!;

    const signedIn = await jar.submit(`${login.pathname}${login.search}`, '/login', { login: 'ALICE', password: 'correct horse battery' }, ['csrf', 'return_to']);
    expect(signedIn.status).toBe(303);
    const back = new URL(signedIn.headers.get('location')!, meshid.issuer);
    expect(back.pathname).toBe('/authorize');
    // The person has just authenticated: what asked for that is taken out, the rest is kept.
    expect(back.searchParams.get('prompt')).toBeNull();
    expect(back.searchParams.get('max_age')).toBeNull();
    expect(back.searchParams.get('state')).toBe(new URL(returnTo, meshid.issuer).searchParams.get('state'));
    expect(jar.cookies.get('meshid_session')).toBeDefined();

    const code = await jar.fetch(back);
    expect(code.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(code.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: 'st' });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(alice.subject);
    expect(claims['preferred_username']).toBe('alice');
    expect(claims.auth_time).toBeGreaterThan(0);
  });

  it('goes to the account page when nothing asked for the sign-in', async () => {
    await createAccount('bob', 'correct horse battery');
    const jar = new Jar();
    expect((await jar.fetch('/account')).headers.get('location')).toBe('/login');
    const signedIn = await jar.submit('/login', '/login', { login: 'bob', password: 'correct horse battery' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    const html = await expectPage(await jar.fetch('/account'), 200, 'Signed in as bob Example (bob).');
    expect(html).toContain('autocomplete="new-password"');
  });

  it('says the same of a wrong password and of a login that does not exist, and never echoes the password', async () => {
    await createAccount('carol', 'correct horse battery');
    const wrong = await new Jar().submit('/login', '/login', { login: 'carol', password: 'wrong horse battery' });
    const unknown = await new Jar().submit('/login', '/login', { login: 'nobody-here', password: 'wrong horse battery' });
    const wrongHtml = await expectPage(wrong, 401, 'That login and password did not work.');
    const unknownHtml = await expectPage(unknown, 401, 'That login and password did not work.');
    for (const html of [wrongHtml, unknownHtml]) {
      expect(html).not.toContain('wrong horse battery');
      expect(html).toContain('role="alert"');
    }
    expect(wrongHtml.replace(/value="[^"]*"/g, '')).toBe(unknownHtml.replace(/value="[^"]*"/g, '').replace('nobody-here', 'carol'));
  });

  it('asks for the authenticator code after a correct password when the account has TOTP', async () => {
    await createAccount('dave', 'correct horse battery');
    const owner = new Jar();
    expect((await owner.submit('/login', '/login', { login: 'dave', password: 'correct horse battery' })).status).toBe(303);
    // Enrol from the account page: the page shows the otpauth URI and the base32 secret.
    const enrolment = await expectPage(await owner.fetch('/account/totp'), 200, 'otpauth://totp/');
    const secret = /Secret: <code>([A-Z2-7]+)<\/code>/.exec(enrolment)![1]!;
    expect(enrolment).toContain('autocomplete="one-time-code"');
    const key = base32Decode(secret)!;
    const step = totpStep(Date.now());
    const enrolled = await owner.post('/account/totp', { csrf: formField(enrolment, 'csrf'), enrolment_token: formField(enrolment, 'enrolment_token'), code: totpCode(key, step) });
    expect(enrolled.status).toBe(303);
    expect(enrolled.headers.get('location')).toBe('/account?done=totp_enrolled');

    const jar = new Jar();
    const asked = await jar.submit('/login', '/login', { login: 'dave', password: 'correct horse battery' });
    const html = await expectPage(asked, 401, 'authenticator app');
    expect(html).toContain('name="totp"');
    expect(html).not.toContain('correct horse battery');
    expect(inputValue(html, 'login')).toBe('dave');
    expect(jar.cookies.has('meshid_session')).toBe(false);

    const badCode = await jar.post('/login', { csrf: formField(html, 'csrf'), login: 'dave', password: 'correct horse battery', totp: totpCode(key, step + 40) });
    await expectPage(badCode, 401, 'That login and password did not work.');
    // The next step: the enrolment used this one, and a code is good once.
    const good = await jar.post('/login', { csrf: formField(html, 'csrf'), login: 'dave', password: 'correct horse battery', totp: totpCode(key, step + 1) });
    expect(good.status).toBe(303);
    expect(jar.cookies.has('meshid_session')).toBe(true);
  });

  it('tells a disabled account so only once its password was right', async () => {
    const henry = await createAccount('henry', 'correct horse battery');
    await settle(await commands.execute(new DisableAccountCommand(henry.accountId, 'left', CONTEXT)));
    await expectPage(await new Jar().submit('/login', '/login', { login: 'henry', password: 'wrong horse battery' }), 401, 'That login and password did not work.');
    const jar = new Jar();
    await expectPage(await jar.submit('/login', '/login', { login: 'henry', password: 'correct horse battery' }), 403, 'This account is disabled');
    expect(jar.cookies.has('meshid_session')).toBe(false);
  });

  it('answers 429 with Retry-After once the attempts on one login are used up', async () => {
    await createAccount('erin', 'correct horse battery');
    const jar = new Jar();
    let response: Response | undefined;
    for (let attempt = 0; attempt < 30; attempt++) {
      response = await jar.submit('/login', '/login', { login: 'erin', password: `wrong password ${attempt}` });
      if (response.status === 429) break;
      expect(response.status).toBe(401);
    }
    expect(response!.status).toBe(429);
    expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectPage(response!, 429, 'Too many sign-in attempts.');
    // Even the right password waits now.
    expect((await jar.submit('/login', '/login', { login: 'erin', password: 'correct horse battery' })).status).toBe(429);
  });
});

describe('signing in with a passkey (the JSON half the page script drives)', () => {
  async function postJson(jar: Jar, path: string, body: unknown): Promise<Response> {
    return jar.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  it('gives discoverable-credential options and refuses an assertion that does not verify, with the same generic answer', async () => {
    const jar = new Jar();
    const csrf = formField(await (await jar.fetch('/login')).text(), 'csrf');
    const options = await postJson(jar, '/login/passkey/options', { csrf });
    expect(options.status).toBe(200);
    expect(options.headers.get('cache-control')).toBe('no-store');
    const { options: request, challengeToken } = (await options.json()) as { options: Record<string, unknown>; challengeToken: string };
    expect(request['rpId']).toBe('127.0.0.1');
    expect(request['userVerification']).toBe('required');
    expect(request['allowCredentials'] ?? []).toEqual([]);

    const forged = { id: 'AAAAAAAAAAAAAAAAAAAAAA', rawId: 'AAAAAAAAAAAAAAAAAAAAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }, clientExtensionResults: {} };
    const refused = await postJson(jar, '/login/passkey', { csrf, challengeToken, response: forged });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'Signing in with that passkey did not work. Try again, or use your password.' });
    expect(jar.cookies.has('meshid_session')).toBe(false);
    // A form post (what a cross-site page could send) is not JSON: refused before anything is read.
    expect((await jar.post('/login/passkey', { csrf, challengeToken })).status).toBe(403);
    expect((await postJson(jar, '/login/passkey', { csrf, challengeToken, response: forged, return_to: 'https://evil.example/' })).status).toBe(400);
  });
});

describe('the account page', () => {
  it('changes the password only with the current one, and signs out', async () => {
    await createAccount('frank', 'correct horse battery');
    const jar = new Jar();
    await jar.submit('/login', '/login', { login: 'frank', password: 'correct horse battery' });
    const refused = await jar.submit('/account', '/account/password', { current_password: 'not the password', new_password: 'a brand new password' });
    await expectPage(refused, 403, 'The current password is not right.');
    const forged = await jar.post('/account/password', { csrf: 'forged', current_password: 'correct horse battery', new_password: 'a brand new password' });
    await expectPage(forged, 403, 'This form has expired');
    const changed = await jar.submit('/account', '/account/password', { current_password: 'correct horse battery', new_password: 'a brand new password' });
    expect(changed.headers.get('location')).toBe('/account?done=password_changed');
    await expectPage(await jar.fetch('/account?done=password_changed'), 200, 'Your password was changed.');

    await expectPage(await jar.submit('/account', '/account/sign-out', {}), 200, 'You are signed out');
    expect(jar.cookies.has('meshid_session')).toBe(false);
    expect((await new Jar().submit('/login', '/login', { login: 'frank', password: 'correct horse battery' })).status).toBe(401);
    expect((await new Jar().submit('/login', '/login', { login: 'frank', password: 'a brand new password' })).status).toBe(303);
  });
});

describe('setup links', () => {
  it('a bootstrap link creates the first administrator once, and signs them in', async () => {
    const { url } = await commands.execute(new IssueBootstrapLinkCommand(CONTEXT));
    const link = new URL(url);
    expect(link.origin).toBe(meshid.issuer);
    const jar = new Jar();
    const page = await expectPage(await jar.fetch(`${link.pathname}${link.search}`), 200, 'Create the first administrator');
    for (const hint of ['autocomplete="username"', 'autocomplete="name"', 'autocomplete="email"', 'autocomplete="new-password"']) expect(page).toContain(hint);

    const form = { csrf: formField(page, 'csrf'), token: formField(page, 'token'), login: 'root-admin', name: 'Root Admin', email: 'root@example.com', password: 'first admin password' };
    // The passkey way asks for creation options first: a profile that would be refused is refused before any passkey exists.
    const options = (body: Record<string, string>) => jar.fetch('/setup/passkey/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csrf: form.csrf, token: form.token, ...body }) });
    const badLogin = await options({ login: '1root', name: 'Root Admin' });
    expect(badLogin.status).toBe(400);
    expect(((await badLogin.json()) as { error: string }).error).toBe('The login is not accepted: must start with a letter.');
    await createAccount('taken-login', 'correct horse battery');
    expect((await options({ login: 'Taken-Login', name: 'Root Admin' })).status).toBe(400);
    const good = await options({ login: 'root-admin', name: 'Root Admin' });
    expect(good.status).toBe(200);
    const creation = ((await good.json()) as { options: { rp: { id: string }; user: { name: string }; authenticatorSelection: { residentKey: string } } }).options;
    expect(creation.rp.id).toBe('127.0.0.1');
    expect(creation.user.name).toBe('root-admin');
    expect(creation.authenticatorSelection.residentKey).toBe('required');
    const tooShort = await jar.post('/setup', { ...form, password: 'short' });
    const again = await expectPage(tooShort, 400, 'The password is not accepted');
    expect(inputValue(again, 'login')).toBe('root-admin');
    const done = await jar.post('/setup', form);
    await expectPage(done, 200, 'You are the first administrator');
    await expectPage(await jar.fetch('/account'), 200, 'Signed in as Root Admin (root-admin).');

    // Spent: neither the page nor the form works again, in this browser or another.
    await expectPage(await jar.fetch(`${link.pathname}${link.search}`), 410, 'This setup link cannot be used');
    const other = new Jar();
    const csrf = formField(await (await other.fetch('/login')).text(), 'csrf');
    await expectPage(await other.post('/setup', { ...form, csrf, login: 'second-admin' }), 410, 'This setup link cannot be used');
    await expectPage(await new Jar().fetch('/setup?token=b.not-a-token'), 410, 'This setup link cannot be used');
  });

  it("an account's setup link sets its password once", async () => {
    const created = await commands.execute(new CreateAccountCommand({ login: 'grace', name: 'Grace Example' }, CONTEXT));
    const { url } = await commands.execute(new IssueSetupLinkCommand(created.accountId, CONTEXT));
    const link = new URL(url);
    const jar = new Jar();
    const page = await expectPage(await jar.fetch(`${link.pathname}${link.search}`), 200, 'how grace signs in');
    // Without the form's token, nothing is set.
    await expectPage(await jar.post('/setup', { csrf: 'forged', token: formField(page, 'token'), password: 'graces own password' }), 403, 'This setup form has expired');
    const done = await jar.post('/setup', { csrf: formField(page, 'csrf'), token: formField(page, 'token'), password: 'graces own password' });
    await expectPage(done, 200, 'You are signed in.');
    await expectPage(await jar.fetch(`${link.pathname}${link.search}`), 410, 'This setup link cannot be used');
    expect((await new Jar().submit('/login', '/login', { login: 'grace', password: 'graces own password' })).status).toBe(303);
  });
});

describe('on a server without local accounts', () => {
  it('has no sign-in, setup or account pages', async () => {
    const tailnetOnly = await startTestServer();
    try {
      for (const path of ['/login', '/setup?token=b.x', '/account']) expect((await fetch(`${tailnetOnly.issuer}${path}`)).status).toBe(404);
      expect((await fetch(`${tailnetOnly.issuer}/login`, { method: 'POST' })).status).toBe(404);
    } finally {
      await tailnetOnly.close();
    }
  });
});

describe('a browser signed in to a local account, at the next authorization requests', () => {
  /** A whole second in the past, as `auth_time` (seconds) will show it exactly. */
  const secondsAgo = (seconds: number): number => (Math.floor(Date.now() / 1000) - seconds) * 1000;

  /**
   * Runs `action` with the server's clock reading `time`: every Clock instance reads the
   * prototype's `now`, so the session a sign-in starts records `time` as its start.
   */
  async function at<T>(time: number, action: () => Promise<T>): Promise<T> {
    const clock = jest.spyOn(Clock.prototype, 'now').mockReturnValue(time);
    try {
      return await action();
    } finally {
      clock.mockRestore();
    }
  }

  /** Answers the sign-in page `authorize` redirected to with a password; returns the redirect back to /authorize. */
  async function signInOnPage(jar: Jar, authorize: Response, login: string): Promise<Response> {
    expect(authorize.status).toBe(303);
    const page = new URL(authorize.headers.get('location')!, meshid.issuer);
    expect(page.pathname).toBe('/login');
    const signedIn = await jar.submit(`${page.pathname}${page.search}`, '/login', { login, password: 'correct horse battery' }, ['csrf', 'return_to']);
    expect(signedIn.status).toBe(303);
    expect(new URL(signedIn.headers.get('location')!, meshid.issuer).pathname).toBe('/authorize');
    return signedIn;
  }

  /** openid-client redeems the code a redirect to the callback carries. */
  async function redeem(response: Response): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
    expect(response.status).toBe(303);
    const callback = new URL(response.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st' });
  }

  /** A new account and a browser signed in to it by password at `time`, through a first authorization request. */
  async function signedInBrowser(login: string, time: number, scope = 'openid profile'): Promise<{ jar: Jar; subject: string; accountId: string; tokens: oidc.TokenEndpointResponse }> {
    const account = await createAccount(login, 'correct horse battery');
    const jar = new Jar();
    const back = await at(time, async () => signInOnPage(jar, await jar.fetch(await authorizeUrl({ scope })), login));
    const tokens = await redeem(await jar.fetch(back.headers.get('location')!));
    expect(tokens.claims()!.sub).toBe(account.subject);
    expect(tokens.claims()!.auth_time).toBe(time / 1000);
    return { jar, ...account, tokens };
  }

  it('a second request for the same client comes straight back with a code, auth_time still the password sign-in', async () => {
    const signIn = secondsAgo(600);
    const { jar, subject } = await signedInBrowser('pat', signIn);
    const again = await jar.fetch(await authorizeUrl());
    const claims = (await redeem(again)).claims()!;
    expect(claims.sub).toBe(subject);
    expect(claims.auth_time).toBe(signIn / 1000);
    expect(claims.iat).toBeGreaterThanOrEqual(signIn / 1000 + 600);
  });

  it('prompt=login sends the browser to the sign-in page again; the code after it carries the new sign-in', async () => {
    const { jar, subject } = await signedInBrowser('quinn', secondsAgo(600));
    const asked = await jar.fetch(await authorizeUrl({ prompt: 'login' }));
    const reSignIn = secondsAgo(5);
    const back = await at(reSignIn, () => signInOnPage(jar, asked, 'quinn'));
    const claims = (await redeem(await jar.fetch(back.headers.get('location')!))).claims()!;
    expect(claims.sub).toBe(subject);
    expect(claims.auth_time).toBe(reSignIn / 1000);
  });

  it('max_age older than the sign-in sends the browser to the sign-in page; within it, a code; prompt=none answers login_required', async () => {
    const signIn = secondsAgo(600);
    const { jar, subject } = await signedInBrowser('rosa', signIn);
    // Within max_age: the session's sign-in is good enough.
    expect((await redeem(await jar.fetch(await authorizeUrl({ max_age: '3600' })))).claims()!.auth_time).toBe(signIn / 1000);
    // prompt=none cannot show the sign-in page: the error goes back to the client (by redirect, with state and iss).
    const none = await jar.fetch(await authorizeUrl({ prompt: 'none', max_age: '300' }));
    expect(none.status).toBe(303);
    const error = new URL(none.headers.get('location')!);
    expect(`${error.origin}${error.pathname}`).toBe(CALLBACK);
    expect(error.searchParams.get('error')).toBe('login_required');
    expect(error.searchParams.get('state')).toBe('st');
    expect(error.searchParams.get('iss')).toBe(meshid.issuer);
    await expect(oidc.authorizationCodeGrant(config, error, { pkceCodeVerifier: verifier, expectedState: 'st' })).rejects.toMatchObject({ error: 'login_required' });

    for (const maxAge of ['300', '0']) {
      const asked = await jar.fetch(await authorizeUrl({ max_age: maxAge }));
      const reSignIn = secondsAgo(2);
      const back = await at(reSignIn, () => signInOnPage(jar, asked, 'rosa'));
      const claims = (await redeem(await jar.fetch(back.headers.get('location')!))).claims()!;
      expect(claims.sub).toBe(subject);
      expect(claims.auth_time).toBe(reSignIn / 1000);
    }
  });

  it('prompt=none with a live account session answers a code', async () => {
    const signIn = secondsAgo(60);
    const { jar, subject } = await signedInBrowser('sam', signIn);
    const claims = (await redeem(await jar.fetch(await authorizeUrl({ prompt: 'none' })))).claims()!;
    expect(claims.sub).toBe(subject);
    expect(claims.auth_time).toBe(signIn / 1000);
    // And without the session, the same request is login_required.
    const stranger = await new Jar().fetch(await authorizeUrl({ prompt: 'none' }));
    expect(new URL(stranger.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });

  it('prompt=select_account offers to continue as the account or to use another, which ends the first session', async () => {
    const { jar, subject } = await signedInBrowser('tess', secondsAgo(60));
    const other = await createAccount('uma', 'correct horse battery');
    const links = async (): Promise<{ continueAs: string; another: string }> => {
      const html = await expectPage(await jar.fetch(await authorizeUrl({ prompt: 'select_account' })), 200, 'Continue as tess');
      expect(html).toContain('Use another account');
      const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map(([, href]) => href!.replace(/&amp;/g, '&'));
      return { continueAs: hrefs.find((href) => href.startsWith('/authorize?'))!, another: hrefs.find((href) => href.startsWith('/login?'))! };
    };

    const first = await links();
    expect(new URL(first.continueAs, meshid.issuer).searchParams.get('prompt')).toBeNull();
    expect((await redeem(await jar.fetch(first.continueAs))).claims()!.sub).toBe(subject);

    const second = await links();
    const tessSession = jar.cookies.get('meshid_session')!;
    const page = new URL(second.another, meshid.issuer);
    expect(parseReturnTo(page.searchParams.get('return_to')!)).not.toBeNull();
    const signedIn = await jar.submit(`${page.pathname}${page.search}`, '/login', { login: 'uma', password: 'correct horse battery' }, ['csrf', 'return_to']);
    expect(signedIn.status).toBe(303);
    const claims = (await redeem(await jar.fetch(signedIn.headers.get('location')!))).claims()!;
    expect(claims.sub).toBe(other.subject);
    expect(claims.sub).not.toBe(subject);
    expect(jar.cookies.get('meshid_session')).not.toBe(tessSession);

    // tess's session was ended (identity_changed): a browser still holding its cookie is a stranger.
    const stale = new Jar();
    stale.cookies.set('meshid_session', tessSession);
    const authorize = await stale.fetch(await authorizeUrl());
    expect(authorize.status).toBe(303);
    expect(new URL(authorize.headers.get('location')!, meshid.issuer).pathname).toBe('/login');
  });

  it("a disabled account's live session signs nobody in, and the grants of disabled and deleted accounts no longer refresh", async () => {
    const scope = 'openid profile offline_access';
    const victor = await signedInBrowser('victor', secondsAgo(60), scope);
    const wendy = await signedInBrowser('wendy', secondsAgo(60), scope);
    for (const { tokens } of [victor, wendy]) expect(tokens.refresh_token).toBeDefined();
    // Refreshing works while the accounts are enabled (and rotates the token).
    const refreshed = await oidc.refreshTokenGrant(config, victor.tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(victor.tokens.refresh_token);

    await settle(await commands.execute(new DisableAccountCommand(victor.accountId, 'left', CONTEXT)));
    await settle(await commands.execute(new DeleteAccountCommand(wendy.accountId, CONTEXT)));

    for (const { jar } of [victor, wendy]) {
      const authorize = await jar.fetch(await authorizeUrl());
      expect(authorize.status).toBe(303);
      expect(new URL(authorize.headers.get('location')!, meshid.issuer).pathname).toBe('/login');
      const none = await jar.fetch(await authorizeUrl({ prompt: 'none' }));
      expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    }
    for (const refreshToken of [refreshed.refresh_token!, wendy.tokens.refresh_token!]) {
      // identity_gone: the grant's person was read again (PolicyService.reidentify) and is not there.
      await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('no longer known') });
    }
  });
});
