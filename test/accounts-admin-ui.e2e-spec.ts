import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommandBus } from '@nestjs/cqrs';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { AddPasskeyCommand } from '../src/accounts/commands/add-passkey.command.js';
import { SetPasswordCommand } from '../src/accounts/commands/set-password.command.js';
import type { AdminAccount } from '../src/admin/api/admin-api.js';
import { ProjectionsService } from '../src/storage/projections.service.js';
import { launchChromium, watchedPage } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// The Accounts view of the admin web UI in a real headless Chromium, against a real meshid: what
// the admin does in the page is checked where it matters, in the admin API's answers.
const DEV_IDENTITY = JSON.stringify({ login: 'admin@example.com', name: 'Ada Admin', caps: [{ allow_admin_ui: true }] });
const SCREENSHOTS = fileURLToPath(new URL('../test-output/screenshots/', import.meta.url));
const MARKUP_NAME = '<img src=x onerror=alert(1)>';

let meshid: TestServer;
let chromium: Chromium;
let context: BrowserContext;
let page: Page;
/** What must never happen in the page: script errors, CSP violations, alert() from injected markup. */
const pageProblems: string[] = [];
let firstLink: string;
let accountId: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
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


/** The account as the admin API has it (a GET: the dev identity on loopback needs no CSRF token to read). */
async function apiAccount(reference: string): Promise<{ status: number; account: AdminAccount }> {
  const response = await fetch(`${meshid.issuer}/api/v1/accounts/${encodeURIComponent(reference)}`);
  return { status: response.status, account: (await response.json()) as AdminAccount };
}

const screenshot = (target: Page, name: string) => target.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
const status = (target: Page, text: string | RegExp) => target.locator('#status').filter({ hasText: text }).waitFor();
const open = (route: string, target: Page = page) => target.goto(`${meshid.issuer}/${route}`);

async function openAccount(target: Page = page): Promise<void> {
  await open(`#/accounts/${encodeURIComponent(accountId)}`, target);
  await target.locator('#account-details #account-id').filter({ hasText: accountId }).waitFor();
}

async function confirm(title: string, button: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button }).click();
}

describe('the Accounts view of the admin UI', () => {
  it('creates an account, naming a refused field, and shows its setup link once with a copy button', async () => {
    await open('#/clients');
    await page.locator('nav a[data-nav="accounts"]').click();
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    await page.locator('#no-accounts').waitFor();
    await page.getByRole('link', { name: 'New account' }).click();
    await page.getByRole('heading', { level: 1, name: 'New account' }).waitFor();

    await page.getByLabel('Login', { exact: true }).fill('1alice');
    await page.getByLabel('Name', { exact: true }).fill('Alice Liddell');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'The account was not created' }).waitFor();
    expect(await page.getByLabel('Login', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Login', { exact: true }).fill('alice');
    await page.getByLabel('Email', { exact: true }).fill('alice@example.com');
    await page.getByLabel('Email verified').check();
    await page.getByLabel('Groups').fill('eng\nops\n');
    await page.getByRole('button', { name: 'Create account' }).click();

    const linkField = page.locator('#setup-link-value');
    await linkField.waitFor();
    firstLink = await linkField.inputValue();
    expect(firstLink.startsWith(`${meshid.issuer}/setup?token=`)).toBe(true);
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.locator('.copy-status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(firstLink);
    await status(page, 'Account alice created.');
    await screenshot(page, 'accounts-1-created-with-link');

    const { account } = await apiAccount('alice');
    expect(account).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.com', email_verified: true, groups: ['eng', 'ops'], admin: false });
    accountId = account.account_id;

    // Away and back: the link is gone for good.
    await page.getByRole('link', { name: 'Open the account page' }).click();
    await page.locator('#account-heading').filter({ hasText: 'Alice Liddell' }).waitFor();
    expect(await page.locator('#setup-link-value').count()).toBe(0);
    expect(await page.content()).not.toContain(firstLink);
  });

  it('edits the groups and the admin flag, and says so when someone else changed the account first', async () => {
    await openAccount();
    expect(await page.locator('#no-credentials').count()).toBe(1);
    await page.locator('#edit-account-groups').fill('eng\nadmins');
    await page.locator('#edit-account-admin').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await status(page, 'Saved changes to alice.');
    expect((await apiAccount(accountId)).account).toMatchObject({ groups: ['eng', 'admins'], admin: true, email: 'alice@example.com' });
    await screenshot(page, 'accounts-2-account-page');

    const otherTab = await watchedPage(context, pageProblems);
    await openAccount(otherTab);
    await otherTab.locator('#edit-account-name').fill('Alice (other tab)');
    await otherTab.getByRole('button', { name: 'Save changes' }).click();
    await status(otherTab, 'Saved changes to alice.');
    await otherTab.close();

    await page.locator('#edit-account-name').fill('Alice (mine)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this account' }).waitFor();
    await page.getByRole('button', { name: 'Reload the account' }).click();
    await page.locator('#account-heading').filter({ hasText: 'Alice (other tab)' }).waitFor();
    expect(await page.locator('#edit-account-name').inputValue()).toBe('Alice (other tab)');
  });

  it('issues a new setup link after a confirmation', async () => {
    await page.getByRole('button', { name: 'New setup link' }).click();
    await confirm('Issue a new setup link?', 'Issue link');
    const linkField = page.locator('#setup-link-value');
    await linkField.waitFor();
    const second = await linkField.inputValue();
    expect(second).toMatch(new RegExp(`^${meshid.issuer.replace(/[.]/g, '\\.')}/setup\\?token=`));
    expect(second).not.toBe(firstLink);
    await status(page, 'New setup link for alice.');
  });

  it('disables and enables the account', async () => {
    await page.getByRole('button', { name: 'Disable account' }).click();
    await confirm('Disable alice?', 'Disable account');
    await status(page, 'Disabled alice.');
    await page.locator('#account-status').filter({ hasText: 'Disabled' }).waitFor();
    expect((await apiAccount(accountId)).account.disabled).toBe(true);

    await page.getByRole('button', { name: 'Enable account' }).click();
    await confirm('Enable alice?', 'Enable account');
    await status(page, 'Enabled alice.');
    await page.locator('#account-status').filter({ hasText: 'Active' }).waitFor();
    expect((await apiAccount(accountId)).account.disabled).toBe(false);
  });

  it('removes a passkey and a password', async () => {
    const commands = meshid.server.app.get(CommandBus);
    const passkey = { credentialId: randomBytes(32).toString('base64url'), publicKey: randomBytes(77).toString('base64url'), counter: 0, transports: ['internal'], name: 'laptop' };
    await commands.execute(new SetPasswordCommand(accountId, 'a long enough password', { actor: 'test', correlationId: 'test' }));
    const { position } = await commands.execute(new AddPasskeyCommand(accountId, passkey, { actor: 'test', correlationId: 'test' }));
    await meshid.server.app.get(ProjectionsService).waitFor(position, 5000);
    await page.reload();
    await page.locator(`[data-passkey-id="${passkey.credentialId}"]`).waitFor();
    expect(await page.locator('#account-credential-summary').textContent()).toBe('password, 1 passkey');
    await page.getByRole('button', { name: 'Remove passkey laptop' }).click();
    await confirm('Remove the passkey “laptop”?', 'Remove');
    await status(page, 'Removed the passkey “laptop” of alice.');
    expect((await apiAccount(accountId)).account.passkeys).toEqual([]);

    await page.locator('#credential-password').waitFor();
    await page.getByRole('button', { name: 'Remove the password' }).click();
    await confirm('Remove the password?', 'Remove');
    await status(page, 'Removed the password of alice.');
    await page.locator('#no-credentials').waitFor();
    expect((await apiAccount(accountId)).account.has_password).toBe(false);
  });

  it('shows a name like markup as text, and lists the accounts', async () => {
    const created = await fetch(`${meshid.issuer}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': await csrfToken() },
      body: JSON.stringify({ login: 'mallory', name: MARKUP_NAME }),
    });
    expect(created.status).toBe(201);
    await open('#/accounts');
    const table = page.locator('#accounts-table');
    await table.waitFor();
    expect(await page.locator('#accounts-table a.account-link').allTextContents()).toEqual(expect.arrayContaining(['alice', 'mallory']));
    expect(await page.locator('[data-login="mallory"] td').first().textContent()).toBe(MARKUP_NAME);
    expect(await page.locator('main img').count()).toBe(0);
    await screenshot(page, 'accounts-3-list');
  });

  it('deletes the account after a confirmation: it is gone from the list and the API', async () => {
    await openAccount();
    await page.getByRole('button', { name: 'Delete account' }).click();
    await confirm('Delete this account?', 'Delete account');
    await status(page, 'Deleted alice.');
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    expect(page.url()).toMatch(/#\/accounts$/);
    await page.locator('#accounts-table').waitFor();
    expect(await page.locator(`[data-account-id="${accountId}"]`).count()).toBe(0);
    expect((await apiAccount(accountId)).status).toBe(404);
  });

  it('is readable on a phone', async () => {
    const phone = await watchedPage(context, pageProblems);
    await phone.setViewportSize({ width: 390, height: 844 });
    await open('#/accounts', phone);
    await phone.locator('#accounts-table').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await open(`#/accounts/mallory`, phone);
    await phone.locator('#account-details').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(phone, 'accounts-4-phone-account');
    await phone.close();
  });

  it('ran without script errors, CSP violations or dialogs', () => {
    expect(pageProblems).toEqual([]);
  });
});

/** The CSRF token the admin page carries for the dev identity (another site could not read it). */
async function csrfToken(): Promise<string> {
  const html = await (await fetch(`${meshid.issuer}/`)).text();
  return /<meta name="csrf-token" content="([^"]*)">/.exec(html)![1]!;
}
