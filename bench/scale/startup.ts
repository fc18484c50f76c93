import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sleep } from '../event-store/stats.js';
import { DEV_IDENTITY, freePort } from '../oidc/servers.js';

const MESHID_BIN = new URL('../../../bin/meshid.js', import.meta.url).pathname;
const POLL_MS = 10;
const GIVE_UP_MS = 30 * 60_000;

export interface Startup {
  /** From spawn until /healthz answers: the process serves HTTP. */
  listeningMs: number;
  /** From spawn until /readyz answers 200: every read model has caught up with the log. */
  readyMs: number;
}

async function status(url: string): Promise<number | null> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/**
 * Starts `meshid serve` on `dataDir`, times it to listening and to ready, and stops it with
 * SIGTERM (projections stop at a checkpoint, so the next start begins where this one ended).
 */
export async function timeStartup(dataDir: string): Promise<Startup> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const env = { ...process.env, MESHID_PORT: String(port), MESHID_ISSUER: issuer, MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'error', MESHID_DEV_IDENTITY: JSON.stringify(DEV_IDENTITY) };
  const started = performance.now();
  const child = spawn(process.execPath, [MESHID_BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    let listeningMs = Number.NaN;
    while (performance.now() - started < GIVE_UP_MS) {
      if (exited) throw new Error(`meshid exited during startup: ${stderr}`);
      if (Number.isNaN(listeningMs) && (await status(`${issuer}/healthz`)) === 200) listeningMs = performance.now() - started;
      if (!Number.isNaN(listeningMs) && (await status(`${issuer}/readyz`)) === 200) return { listeningMs, readyMs: performance.now() - started };
      await sleep(POLL_MS);
    }
    throw new Error(`meshid was not ready within ${GIVE_UP_MS / 60_000} minutes: ${stderr}`);
  } finally {
    if (!exited) child.kill('SIGTERM');
    await exit;
  }
}
