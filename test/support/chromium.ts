import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium package; playwright-core drives it, so no browser is downloaded at install. */
export const CHROMIUM_PATH = process.env['MESHID_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, deterministic headless run in a container: no sandbox (CI runs as root, where
 * chromium refuses to sandbox), and none of the background traffic a desktop profile makes.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Debian chromium; fails with the way to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set MESHID_TEST_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, timeout: 20_000 });
}

/**
 * A new page of `context` that reports into `problems` whatever a test must never see: an
 * uncaught script error, a CSP refusal in the console, a native dialog (dismissed).
 */
export async function watchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const opened = await context.newPage();
  opened.setDefaultTimeout(10_000);
  opened.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  opened.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  opened.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return opened;
}
