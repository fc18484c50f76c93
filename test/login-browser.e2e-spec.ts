import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { CreateAccountCommand } from '../src/accounts/commands/create-account.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { launchChromium } from './support/chromium.js';
import { logMessages } from './support/log-lines.js';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';

// The sign-in pages in a real browser (headless Chromium) with a virtual WebAuthn authenticator
// (Chrome DevTools Protocol), on a server that recognises nobody by the network
// (MESHID_IDENTITY=account): the first run's bootstrap link creates the administrator with a
// passkey, who then signs in to a relying party (openid-client) with it; a password sign-in;
// and adding a passkey from the account page. The issuer is http://localhost:<port>, since
// WebAuthn needs a domain as its relying party id.
let CALLBACK: string;
const CONTEXT = { actor: 'test', correlationId: 'login-browser' };

let meshid: TestServer;
/** The relying party's redirect URI: a page that only says it was reached (the test reads the URL). */
let callbackServer: Server;
let issuer: string;
let bootstrapLink: string;
let chromium: Browser;
let config: oidc.Configuration;

/** Starts meshid and returns the first-run link it prints (as an operator would copy it from the log). */
async function startCapturingBootstrapLink(env: Record<string, string>): Promise<{ server: TestServer; link: string }> {
  let printed = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    // Swallowed, not echoed: the start-up log (routes, migrations) is noise in a test run.
    printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const server = await startTestServer(env);
    const match = logMessages(printed)
      .map((message) => /^first run: create the first administrator at (\S+)$/.exec(message))
      .find((found) => found !== null);
    if (!match) throw new Error(`no bootstrap link was printed:\n${printed}`);
    // The link is read; from now on only what goes wrong is worth printing.
    server.server.app.useLogger(['error', 'warn']);
    return { server, link: match[1]! };
  } finally {
    process.stdout.write = write;
  }
}

beforeAll(async () => {
  callbackServer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  CALLBACK = `http://localhost:${(callbackServer.address() as AddressInfo).port}/callback`;
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  ({ server: meshid, link: bootstrapLink } = await startCapturingBootstrapLink({ MESHID_IDENTITY: 'account', MESHID_PORT: String(port), MESHID_ISSUER: issuer, MESHID_LOG_LEVEL: 'log' }));
  chromium = await launchChromium();
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Proxmox VE', redirect_uris: [CALLBACK] });
  config = await oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
}, 60_000);
afterAll(async () => {
  await chromium?.close();
  await meshid?.close();
  callbackServer?.close();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/** A fresh browser profile with one tab holding a platform authenticator that verifies its user. */
async function openTab(): Promise<Tab> {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { context, page, cdp, authenticatorId };
}

/** Goes to the relying party's authorization URL; answers the sign-in page /authorize sends a stranger to. */
async function startRelyingPartySignIn(page: Page): Promise<{ verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
  await page.goto(url.href);
  expect(new URL(page.url()).pathname).toBe('/login');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in to Proxmox VE');
  return { verifier, state };
}

/** Waits for the browser to reach the callback and redeems the code there with openid-client. */
async function finishRelyingPartySignIn(page: Page, pkce: { verifier: string; state: string }, action: () => Promise<void>) {
  const callback = page.waitForURL((url) => url.href.startsWith(CALLBACK), { timeout: 15_000 });
  await action();
  await callback;
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: pkce.verifier, expectedState: pkce.state });
  return tokens.claims()!;
}

async function credentialsOf(tab: Tab) {
  return (await tab.cdp.send('WebAuthn.getCredentials', { authenticatorId: tab.authenticatorId })).credentials;
}

describe('in a browser with a passkey authenticator', () => {
  it('first run: the printed bootstrap link creates the administrator with a passkey, who then signs in to an application with it', async () => {
    expect(bootstrapLink.startsWith(`${issuer}/setup?token=`)).toBe(true);
    const tab = await openTab();
    const { page } = tab;
    await page.goto(bootstrapLink);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Create the first administrator');
    await page.getByLabel('Login').fill('admin');
    await page.getByLabel('Name', { exact: true }).fill('Ada Admin');
    await page.getByLabel('Email (optional)').fill('ada@example.com');
    await page.getByLabel('A name for this passkey').fill('test laptop');
    await page.getByRole('button', { name: 'Create the account with a passkey' }).click();
    await page.waitForURL(`${issuer}/setup`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your account is ready');
    const [credential] = await credentialsOf(tab);
    expect(credential?.isResidentCredential).toBe(true);
    expect(credential?.rpId).toBe('localhost');

    // The setup signed this browser in; sign out, then sign in to the application with the passkey.
    await page.goto(`${issuer}/account`);
    await expect(page.getByText('test laptop, added').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${issuer}/account/sign-out`);

    const pkce = await startRelyingPartySignIn(page);
    const claims = await finishRelyingPartySignIn(page, pkce, () => page.getByRole('button', { name: 'Sign in with a passkey' }).click());
    expect(claims['preferred_username']).toBe('admin');
    expect(claims['email']).toBe('ada@example.com');
    expect(String(claims.sub)).toMatch(/^account:/);
    await tab.context.close();
  }, 60_000);

  it('signs in to an application with a password', async () => {
    const commands = meshid.server.app.get(CommandBus);
    const created = await commands.execute(new CreateAccountCommand({ login: 'pat', name: 'Pat Password' }, CONTEXT));
    const set = await commands.execute(new SetPasswordCommand(created.accountId, 'pats long password', CONTEXT));
    await meshid.server.app.get(ProjectionsService).waitFor(set.position, 5000);

    const tab = await openTab();
    const { page } = tab;
    const pkce = await startRelyingPartySignIn(page);
    await page.getByLabel('Login').fill('pat');
    await page.getByLabel('Password', { exact: true }).fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('That login and password did not work.');

    const claims = await finishRelyingPartySignIn(page, pkce, async () => {
      await page.getByLabel('Password', { exact: true }).fill('pats long password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    });
    expect(claims.sub).toBe(created.subject);
    expect(claims['name']).toBe('Pat Password');
    await tab.context.close();
  }, 60_000);

  it('adds a passkey from the account page after a password sign-in, and signs in with it', async () => {
    const commands = meshid.server.app.get(CommandBus);
    const created = await commands.execute(new CreateAccountCommand({ login: 'kim', name: 'Kim Keys' }, CONTEXT));
    const set = await commands.execute(new SetPasswordCommand(created.accountId, 'kims long password', CONTEXT));
    await meshid.server.app.get(ProjectionsService).waitFor(set.position, 5000);

    const tab = await openTab();
    const { page } = tab;
    await page.goto(`${issuer}/login`);
    await page.getByLabel('Login').fill('kim');
    await page.getByLabel('Password', { exact: true }).fill('kims long password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);
    await expect(page.getByText('You have no passkey yet.').count()).resolves.toBe(1);

    await page.getByLabel('A name for the new passkey').fill('phone');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${issuer}/account?done=passkey_added`);
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('Your passkey was added.');
    await expect(page.getByText('phone, added').count()).resolves.toBe(1);
    expect(await credentialsOf(tab)).toHaveLength(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${issuer}/account/sign-out`);
    const pkce = await startRelyingPartySignIn(page);
    const claims = await finishRelyingPartySignIn(page, pkce, () => page.getByRole('button', { name: 'Sign in with a passkey' }).click());
    expect(claims.sub).toBe(created.subject);
    await tab.context.close();
  }, 60_000);
});
