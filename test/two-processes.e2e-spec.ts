import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from './support/run-cli.js';
import { freePort } from './support/test-server.js';

// Single use across processes: two meshid servers on one SQLite data directory, each taking half
// of 50 simultaneous requests for the same code, then for the same refresh token.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'meshid-two-processes-'));
const children: ChildProcess[] = [];
let issuer: string;
let urls: string[];
let client: { client_id: string; client_secret: string };

async function serve(port: number): Promise<string> {
  const env = { MESHID_DATA_DIR: dataDir, MESHID_ISSUER: issuer, MESHID_DEV_IDENTITY: 'alice@example.com' };
  const child = spawnCli(['serve', '--port', String(port)], env);
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshid did not start:\n${output}`)), 30000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('health: GET')) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${ports[0]}`;
  const created = await runCli(['clients', 'create', '--name', 'race', '--redirect-uri', CALLBACK, '--json'], { MESHID_DATA_DIR: dataDir });
  expect(created.code).toBe(0);
  client = JSON.parse(created.stdout);
  urls = [await serve(ports[0]!), await serve(ports[1]!)];
  // Listening is not ready: each must have projected the other's signing keys (whichever started
  // first generated them) before it can mint the winner's tokens.
  await Promise.all(urls.map(untilReady));
}, 90000);

async function untilReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if ((await fetch(`${url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

afterAll(async () => {
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)),
  );
  rmSync(dataDir, { recursive: true, force: true });
});

async function code(): Promise<string> {
  const query = new URLSearchParams({ client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid offline_access' });
  const response = await fetch(`${urls[0]}/authorize?${query}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!).searchParams.get('code')!;
}

function token(server: string, parameters: Record<string, string>): Promise<Response> {
  const authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
  return fetch(`${server}/token`, { method: 'POST', headers: { authorization }, body: new URLSearchParams(parameters) });
}

/** The types of the authorization-code events of the race's client, read from the log by a third process. */
async function codeEvents(): Promise<string[]> {
  const types = 'AuthorizationCodeRedeemed,AuthorizationCodeReuseDetected';
  const exported = await runCli(['audit', 'export', '--category', 'authcode', '--type', types, '--client', client.client_id], { MESHID_DATA_DIR: dataDir });
  expect(exported.code).toBe(0);
  return exported.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { type: string }).type);
}

type Answer = { status: number; body: Record<string, string> };

async function race(parameters: Record<string, string>): Promise<{ ok: number; statuses: number[]; winner: Record<string, string> | undefined; unexpected: Answer[] }> {
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => token(urls[i % 2]!, parameters)));
  const bodies = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, string> })));
  const winners = bodies.filter((b) => b.status === 200);
  // Anything but 200s and invalid_grant refusals is shown whole when an assertion fails.
  const unexpected = bodies.filter((b) => b.status !== 200 && !(b.status === 400 && b.body['error'] === 'invalid_grant'));
  return { ok: winners.length, statuses: bodies.map((b) => b.status), winner: winners[0]?.body, unexpected };
}

describe('two meshid processes on one SQLite store', () => {
  // RFC 6749 §4.1.2: a replayed code revokes its grant, and a replay that lands before the first
  // redemption has issued its grant stops that grant being issued at all. So how many of the 50
  // get tokens (one or none) depends on timing; what must hold is that the code was redeemed
  // exactly once, in the log, and that whatever it yielded is dead.
  it('redeem one code exactly once between them, and revoke what it yielded', async () => {
    const result = await race({ grant_type: 'authorization_code', code: await code(), redirect_uri: CALLBACK });
    expect(result.unexpected).toEqual([]);
    expect(result.ok).toBeLessThanOrEqual(1);
    expect(result.statuses.filter((s) => s === 400)).toHaveLength(50 - result.ok);

    const logged = await codeEvents();
    expect(logged.filter((type) => type === 'AuthorizationCodeRedeemed')).toHaveLength(1);
    expect(logged.filter((type) => type === 'AuthorizationCodeReuseDetected')).toHaveLength(49);
    if (result.winner !== undefined) {
      const refreshed = await token(urls[0]!, { grant_type: 'refresh_token', refresh_token: result.winner['refresh_token']! });
      expect({ status: refreshed.status, body: await refreshed.json() }).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    }
  }, 60000);

  it('rotate one refresh token exactly once between them', async () => {
    const first = await token(urls[1]!, { grant_type: 'authorization_code', code: await code(), redirect_uri: CALLBACK });
    const { refresh_token } = (await first.json()) as { refresh_token: string };
    expect(refresh_token).toBeDefined();
    const result = await race({ grant_type: 'refresh_token', refresh_token });
    expect(result.ok).toBe(1);
    expect(result.statuses.filter((s) => s === 400)).toHaveLength(49);
  }, 60000);
});
