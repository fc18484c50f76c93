import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/chromium.js';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';

// Approve from a tailnet device in headless Chromium, with openid-client as the relying party:
// a browser outside the tailnet (no identity headers) follows the application to meshid, shows a
// code and a number; a second browser, "on the tailnet" (a trusted proxy's identity headers on
// every request), enters the code and picks the number; the first browser continues by itself
// (or, without JavaScript, when Continue is pressed) and comes back to the application signed in.
const TAILNET = { 'Tailscale-User-Login': 'alice@example.com', 'Tailscale-User-Name': 'Alice Example' };

let meshid: TestServer;
let config: oidc.Configuration;
let chromium: Browser;
let CALLBACK: string;
/** The application's callback: a real listener, so the browser lands on it as it would on the RP. */
let application: Server;

beforeAll(async () => {
  const port = await freePort();
  CALLBACK = `http://127.0.0.1:${port}/callback`;
  application = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('signed in'));
  await new Promise<void>((resolve) => application.listen(port, '127.0.0.1', resolve));
  meshid = await startTestServer({ MESHID_IDENTITY: 'proxy-headers,account', MESHID_TRUSTED_PROXIES: '127.0.0.1/32' });
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Headscale', redirect_uris: [CALLBACK] });
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  await meshid?.close();
  await new Promise((resolve) => application?.close(resolve));
});

/** A fresh browser profile. */
async function profile(options: { javaScriptEnabled?: boolean; extraHTTPHeaders?: Record<string, string> } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.newContext({ locale: 'en-GB', timezoneId: 'UTC', ...options });
  return { context, page: await context.newPage() };
}

/** The application sends the browser to meshid; from the sign-in page, the approval route. */
async function askForApproval(page: Page, verifier: string, state: string): Promise<{ code: string; number: string }> {
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce: `nonce-${state}`,
  });
  await page.goto(url.href);
  await page.waitForURL(/\/login\?/);
  await page.getByRole('link', { name: /tailnet device/i }).click();
  await page.waitForURL(/\/login\/approve\?/);
  const code = (await page.locator('#approval-code').textContent())!;
  const number = (await page.locator('#approval-number').textContent())!;
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return { code, number };
}

/** On the tailnet device: enter the code, check who asks, pick the number. */
async function approve(code: string, number: string): Promise<void> {
  const { context, page } = await profile({ extraHTTPHeaders: TAILNET });
  try {
    await page.goto(`${meshid.issuer}/approve`);
    await page.getByLabel('Code').fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Is this you signing in?' }).waitFor();
    const body = (await page.locator('body').textContent())!;
    expect(body).toContain('Application: Headscale');
    expect(body).toMatch(/Browser: Chrome \d+ on Linux/);
    expect(await page.getByRole('button').allTextContents()).toHaveLength(4);
    await page.getByRole('button', { name: number, exact: true }).click();
    await page.getByRole('heading', { name: 'Sign-in approved' }).waitFor();
  } finally {
    await context.close();
  }
}

async function redeem(page: Page, verifier: string, state: string) {
  await page.waitForURL(`${CALLBACK}**`, { timeout: 15_000 });
  return oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: `nonce-${state}` });
}

describe('approve from a tailnet device, in a browser', () => {
  it('signs the waiting browser in as the approver; its page continues by itself', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const { context, page } = await profile();
    try {
      const { code, number } = await askForApproval(page, verifier, 'js');
      await approve(code, number);
      const tokens = await redeem(page, verifier, 'js');
      expect(tokens.claims()).toMatchObject({ sub: 'login:alice@example.com', name: 'Alice Example', email: 'alice@example.com', nonce: 'nonce-js' });
    } finally {
      await context.close();
    }
  });

  it('works without JavaScript: Continue checks the status', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const { context, page } = await profile({ javaScriptEnabled: false });
    try {
      const { code, number } = await askForApproval(page, verifier, 'nojs');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('Nobody has approved this sign-in yet.').waitFor();
      await approve(code, number);
      await page.getByRole('button', { name: 'Continue' }).click();
      const tokens = await redeem(page, verifier, 'nojs');
      expect(tokens.claims()!['sub']).toBe('login:alice@example.com');
    } finally {
      await context.close();
    }
  });
});
