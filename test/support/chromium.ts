import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
