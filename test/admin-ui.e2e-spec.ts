import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { Browser } from './support/browser.js';
import { launchChromium, watchedPage } from './support/chromium.js';
import { freePort, startTestServer, type TestServer } from './support/test-server.js';

// The admin web UI in a real headless Chromium, against a real meshid: what an admin does in the
// page must have its effect where it matters, at the token, userinfo and introspection endpoints,
// as openid-client (a relying party) sees them.
const DEV_IDENTITY = JSON.stringify({ login: 'admin@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });
const SUBJECT = 'dev:admin@example.com';
const SCREENSHOTS = fileURLToPath(new URL('../test-output/screenshots/', import.meta.url));
const MARKUP_NAME = '<img src=x onerror=alert(1)>';
const UI_PAGE_SIZE = 25;

let meshid: TestServer;
let chromium: Chromium;
let context: BrowserContext;
let page: Page;
/** A loopback callback nobody listens on: the test reads the code from the 303 itself. */
let callback: string;
/** A second, confidential client, as a resource server introspecting tokens would be. */
let resourceServer: oidc.Configuration;
/** What must never happen in the page: script errors, CSP violations, alert() from injected markup. */
const pageProblems: string[] = [];

// State carried from one step of the story to the next.
let clientId: string;
let firstSecret: string;
let secondSecret: string;
let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
let markupClientId: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
  callback = `http://127.0.0.1:${await freePort()}/cb`;
  const rs = await meshid.createClient({ client_name: 'Resource server', grant_types: ['client_credentials'] });
  resourceServer = await relyingParty(rs.clientId, rs.clientSecret!);
  chromium = await launchChromium();
  context = await chromium.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: meshid.issuer });
  page = await watchedPage(context, pageProblems);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await chromium?.close();
  await meshid?.close();
});


function relyingParty(id: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(meshid.issuer), id, secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

/** Authorization code + PKCE: the dev identity is signed in without a prompt, so /authorize answers 303 at once. */
async function signIn(config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const response = await new Browser(meshid.issuer).fetch(url);
  expect(response.status).toBe(303);
  const redirect = new URL(response.headers.get('location')!);
  expect(`${redirect.origin}${redirect.pathname}`).toBe(callback);
  return oidc.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: verifier, expectedNonce: nonce });
}

/** A refresh at /token with HTTP Basic credentials, read raw so that the error code can be checked. */
async function refreshWith(id: string, secret: string, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const credentials = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
  const response = await fetch(`${meshid.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const screenshot = (target: Page, name: string) => target.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
const status = (target: Page, text: string | RegExp) => target.locator('#status').filter({ hasText: text }).waitFor();
const focusedId = (target: Page) => target.evaluate<string | undefined>('document.activeElement?.id');

/** Opens a route of the UI (a full load, or a hash change when the page is already there). */
async function open(route: string, target: Page = page): Promise<void> {
  await target.goto(`${meshid.issuer}/${route}`);
}

async function openClient(id: string, target: Page = page): Promise<void> {
  await open(`#/clients/${encodeURIComponent(id)}`, target);
  await target.locator('#client-metadata #client-id').filter({ hasText: id }).waitFor();
}

describe('the admin web UI', () => {
  it('is served with a CSP that forbids framing and inline script, and a CSRF token in the page', async () => {
    const response = await fetch(`${meshid.issuer}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const frameOptions = response.headers.get('x-frame-options');
    if (frameOptions !== null) expect(frameOptions.toUpperCase()).toBe('DENY');
    const html = await response.text();
    const token = /<meta name="csrf-token" content="([^"]*)">/.exec(html)?.[1];
    expect(token).toBeTruthy();
    expect(token).not.toContain('{{');
    const script = await fetch(`${meshid.issuer}/ui/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);

    // A write without the page's token, as another site's form or fetch would send it, is refused.
    const forged = await fetch(`${meshid.issuer}/api/v1/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Forged', redirect_uris: [callback] }),
    });
    expect(forged.status).toBe(403);
  });

  it('shows who is signed in, and creates a confidential client whose secret is shown once', async () => {
    await open('');
    await page.locator('#whoami').filter({ hasText: 'Signed in as Ada Admin' }).waitFor();
    await page.locator('#clients-table, #no-clients').first().waitFor();

    await page.locator('nav a[data-nav="new-client"]').click();
    await page.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Grafana');
    await page.getByLabel('Confidential').check();
    expect(await page.getByLabel('Authorization code (people sign in)').isChecked()).toBe(true);
    expect(await page.getByLabel('Refresh token').isChecked()).toBe(true);

    // The API's field problems are named in the alert, and the control is marked invalid.
    await page.getByLabel('Redirect URIs').fill('not a url');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('alert').filter({ hasText: 'Redirect URIs (redirect_uris' }).waitFor();
    expect(await page.getByLabel('Redirect URIs').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Redirect URIs').fill(`${callback}\n`);
    await page.getByRole('button', { name: 'Create client' }).click();

    const secretField = page.getByLabel('Client secret');
    await secretField.waitFor();
    clientId = (await page.locator('#secret-client-id').textContent())!.trim();
    firstSecret = await secretField.inputValue();
    expect(clientId).not.toBe('');
    expect(firstSecret.length).toBeGreaterThanOrEqual(20);
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.locator('.copy-status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(firstSecret);
    await status(page, 'Client Grafana created.');
    await screenshot(page, '2-create-with-secret');

    // Away and back: the secret is gone for good.
    await page.getByRole('link', { name: 'Open the client page' }).click();
    await page.locator('#client-heading').filter({ hasText: 'Grafana' }).waitFor();
    expect(await page.locator('#client-secret-value').count()).toBe(0);
    await page.goBack();
    await page.locator('#create-client-form').waitFor();
    expect(await page.locator('#client-secret-value').count()).toBe(0);
    expect(await page.content()).not.toContain(firstSecret);
  });

  it('lets a relying party sign in with the client and secret the page showed', async () => {
    const config = await relyingParty(clientId, firstSecret);
    tokens = await signIn(config);
    expect(tokens.claims()).toMatchObject({ iss: meshid.issuer, aud: clientId, sub: SUBJECT });
    expect(tokens.refresh_token).toBeDefined();
    expect(await oidc.fetchUserInfo(config, tokens.access_token, SUBJECT)).toMatchObject({ sub: SUBJECT, email: 'admin@example.com' });
  });

  it('saves an edited name, and says so when someone else changed the client first', async () => {
    await openClient(clientId);
    await page.locator('#edit-client-name').fill('Grafana (staging)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await status(page, 'Saved changes to Grafana (staging).');
    await page.reload();
    await page.locator('#client-heading').filter({ hasText: 'Grafana (staging)' }).waitFor();
    expect(await page.locator('#edit-client-name').inputValue()).toBe('Grafana (staging)');
    await page.locator('#client-activity[aria-busy="false"]').waitFor();
    expect(await page.locator('#activity-list li').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, '3-client-page');

    // A second tab saves first; this tab's save is then stale.
    const otherTab = await watchedPage(context, pageProblems);
    await openClient(clientId, otherTab);
    await otherTab.locator('#edit-client-name').fill('Grafana (prod)');
    await otherTab.getByRole('button', { name: 'Save changes' }).click();
    await status(otherTab, 'Saved changes to Grafana (prod).');
    await otherTab.close();

    await page.locator('#edit-client-name').fill('Grafana (mine)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this client' }).waitFor();
    await page.getByRole('button', { name: 'Reload the client' }).click();
    await page.locator('#client-heading').filter({ hasText: 'Grafana (prod)' }).waitFor();
    expect(await page.locator('#edit-client-name').inputValue()).toBe('Grafana (prod)');
  });

  it('regenerates the secret: the old one is refused at the token endpoint, the new one works', async () => {
    await page.getByRole('button', { name: 'Regenerate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate the secret?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Regenerate secret' }).click();
    const secretField = page.getByLabel('Client secret');
    await secretField.waitFor();
    secondSecret = await secretField.inputValue();
    expect(secondSecret).not.toBe(firstSecret);
    await page.getByText('it will not be shown again').waitFor();

    expect(await refreshWith(clientId, firstSecret, tokens.refresh_token!)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    tokens = await oidc.refreshTokenGrant(await relyingParty(clientId, secondSecret), tokens.refresh_token!);
    expect(tokens.claims()?.sub).toBe(SUBJECT);
    expect((await oidc.tokenIntrospection(resourceServer, tokens.access_token)).active).toBe(true);
  });

  it('deletes the client: its access token is refused at userinfo and inactive, and its refresh token refused', async () => {
    await page.getByRole('button', { name: 'Delete client' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this client?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete client' }).click();
    await status(page, 'Deleted Grafana (prod).');
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    expect(page.url()).toMatch(/#\/clients$/);
    await page.locator('#clients-table, #no-clients').first().waitFor();
    expect(await page.locator(`[data-client-id="${clientId}"]`).count()).toBe(0);

    const userinfo = await fetch(`${meshid.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect((await oidc.tokenIntrospection(resourceServer, tokens.access_token)).active).toBe(false);
    const refresh = await refreshWith(clientId, secondSecret, tokens.refresh_token!);
    expect(refresh.status).toBeGreaterThanOrEqual(400);
    expect(['invalid_client', 'invalid_grant']).toContain(refresh.body['error']);
  });

  it('shows a client named like markup as text, and pages through search results', async () => {
    ({ clientId: markupClientId } = await meshid.createClient({ client_name: MARKUP_NAME, redirect_uris: [callback] }));
    for (let i = 1; i <= UI_PAGE_SIZE + 1; i++) await meshid.createClient({ client_name: `Paging ${String(i).padStart(2, '0')}`, redirect_uris: [callback] });

    await open(`#/clients?q=${encodeURIComponent('onerror')}`);
    const link = page.locator('#clients-table a.client-link');
    await link.first().waitFor();
    expect(await link.allTextContents()).toEqual([MARKUP_NAME]);
    expect(await page.locator('main img').count()).toBe(0);

    await open('#/clients');
    await page.locator('#clients-table').waitFor();
    await screenshot(page, '1-client-list');

    await page.getByLabel('Search clients').fill('Paging');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#clients-table').filter({ hasText: 'Paging' }).waitFor();
    await page.locator('#next-page').waitFor();
    expect(await page.locator('#clients-table tbody tr').count()).toBe(UI_PAGE_SIZE);
    await page.locator('#next-page').click();
    await page.locator('#first-page').waitFor();
    expect(await page.locator('#clients-table tbody tr').count()).toBe(1);
    expect(await page.locator('#next-page').count()).toBe(0);
  });

  it('rotates the signing keys with the keyboard alone', async () => {
    await page.locator('nav a[data-nav="keys"]').click();
    const rows = page.locator('#keys-table tbody tr');
    await rows.first().waitFor();
    const before = await rows.count();

    // Focus sits on the heading after the navigation; Tab reaches the Rotate button.
    await page.getByRole('heading', { level: 1, name: 'Signing keys' }).focus();
    for (let i = 0; i < 5 && (await focusedId(page)) !== 'rotate-keys'; i++) await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('rotate-keys');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing keys?' });
    await dialog.waitFor();
    expect(await focusedId(page)).toBe('confirm-cancel');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    expect(await dialog.getByLabel('Activate now').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('confirm-ok');
    await page.keyboard.press('Enter');
    await status(page, /Rotated: \d+ keys? changed\./);
    await page.locator('#keys-results[aria-busy="false"]').waitFor();
    expect(await rows.count()).toBeGreaterThan(before);
    expect(await page.locator('#keys-table tr[data-status="active"]').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, '4-keys');
  });

  it('retires a compromised key, taking it out of JWKS at once', async () => {
    const kid = (await page.locator('#keys-table tr[data-status="active"]').first().getAttribute('data-kid'))!;
    await page.getByRole('button', { name: `Retire key ${kid}` }).click();
    const dialog = page.getByRole('dialog', { name: `Retire key ${kid}?` });
    await dialog.waitFor();
    await dialog.getByLabel('Compromised: remove from JWKS now').check();
    await dialog.getByRole('button', { name: 'Retire key' }).click();
    await status(page, `Retired key ${kid} and removed it from JWKS`);
    const row = page.locator(`#keys-table tr[data-kid="${kid}"][data-status="retired"]`);
    await row.waitFor();
    expect(await row.locator('td[data-label="In JWKS"]').textContent()).toBe('No');
    const jwks = (await (await fetch(resourceServer.serverMetadata().jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(kid);
  });

  it('is readable on a phone', async () => {
    const phone = await watchedPage(context, pageProblems);
    await phone.setViewportSize({ width: 390, height: 844 });
    await open(`#/clients?q=${encodeURIComponent('Paging 0')}`, phone);
    await phone.locator('#clients-table').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(phone, '5-phone-client-list');
    await openClient(markupClientId, phone);
    await phone.locator('#client-activity[aria-busy="false"]').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(phone, '6-phone-client-page');
    await open('#/keys', phone);
    await phone.locator('#keys-table').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(phone, '7-phone-keys');
    await phone.close();
  });

  it('ran without script errors, CSP violations or dialogs', () => {
    expect(pageProblems).toEqual([]);
  });
});
