import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, spawnCli } from './support/run-cli.js';
import { freePort } from './support/test-server.js';

// `meshid serve` as a real process getting SIGTERM while a request is in flight: it stops
// accepting connections, closes idle ones, lets the request finish with its normal answer, stops
// the projections at a checkpoint, and exits 0; or exits 1 once MESHID_SHUTDOWN_TIMEOUT_SECONDS
// have passed with the request still unfinished.
const dataDir = mkdtempSync(join(tmpdir(), 'meshid-graceful-'));
const children: ChildProcess[] = [];
let client: { client_id: string; client_secret: string };

const BODY = 'grant_type=client_credentials';

interface Served {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function serve(env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const child = spawnCli(['serve', '--port', String(port)], { MESHID_DATA_DIR: dataDir, MESHID_ISSUER: `http://127.0.0.1:${port}`, ...env });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await until(`meshid to start:\n${output}`, () => (output.includes('health: GET') ? true : undefined));
  await until('readiness', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
  return { child, port, output: () => output, exited };
}

/**
 * POST /token whose body is still on its way: the headers (with `Expect: 100-continue`, so the
 * server's 100 says it has taken the request in) and half the body. `finish` sends the rest and
 * resolves with the raw answer once the server closes the connection.
 */
async function requestInFlight(port: number): Promise<{ finish: () => Promise<string> }> {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64');
  socket.write(
    [`POST /token HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Basic ${basic}`, 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${BODY.length}`, 'Expect: 100-continue', '', ''].join('\r\n'),
  );
  await until('100 Continue', () => (received.startsWith('HTTP/1.1 100 Continue') ? true : undefined), 10_000);
  socket.write(BODY.slice(0, 12));
  return {
    async finish() {
      socket.end(BODY.slice(12));
      await ended;
      return received.slice(received.indexOf('\r\n\r\n') + 4);
    },
  };
}

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** A keep-alive connection left idle after one answer; resolves `closed` when the server closes it. */
async function idleKeepAliveConnection(port: number): Promise<{ closed: Promise<void> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => {
      response.resume();
      response.once('end', () => resolve({ closed }));
    });
    const closed = new Promise<void>((done) => request.once('socket', (socket) => socket.once('close', () => done())));
    request.once('error', reject);
  });
}

beforeAll(async () => {
  const created = await runCli(['clients', 'create', '--name', 'drain', '--redirect-uri', 'https://rp.example/cb', '--grant-types', 'client_credentials', '--json'], { MESHID_DATA_DIR: dataDir });
  expect(created.code).toBe(0);
  client = JSON.parse(created.stdout);
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown of meshid serve', () => {
  it('on SIGTERM refuses new connections, drains the request in flight, stops projections at a checkpoint and exits 0', async () => {
    const server = await serve();
    const idle = await idleKeepAliveConnection(server.port);
    const inFlight = await requestInFlight(server.port);

    server.child.kill('SIGTERM');
    await until('the shutdown line', () => (server.output().includes('SIGTERM: shutting down') ? true : undefined));
    await until('new connections to be refused', async () => ((await refused(server.port)) ? true : undefined), 10_000);
    await idle.closed; // an idle keep-alive connection does not hold the shutdown up
    expect(server.child.exitCode).toBeNull(); // still draining: the request has not finished

    const answer = await inFlight.finish();
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head!.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(body!)).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });

    const started = Date.now();
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    // The checkpoints logged are those committed: where each projection resumes at the next start.
    const line = server.output().split('\n').find((candidate) => candidate.includes('projections stopped at their checkpoints'));
    const logged = new Map([...JSON.parse(line!).msg.matchAll(/([a-z-]+) (\d+\/\d+)/g)].map((match: RegExpMatchArray) => [match[1]!, match[2]!]));
    expect(logged.size).toBeGreaterThan(5);
    const db = new Database(join(dataDir, 'meshid.db'), { readonly: true });
    const stored = new Map(db.prepare('SELECT projection, position FROM projection_checkpoints').all().map((row) => [(row as { projection: string }).projection, (row as { position: string }).position]));
    db.close();
    expect(logged).toEqual(stored);
    expect(server.output()).toContain('shut down cleanly');
  }, 90_000);

  it('exits 1 saying so when a request is still unfinished after MESHID_SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const server = await serve({ MESHID_SHUTDOWN_TIMEOUT_SECONDS: '2' });
    await requestInFlight(server.port); // never finished
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(15_000);
    expect(server.output()).toContain('shutdown did not finish within 2 s (MESHID_SHUTDOWN_TIMEOUT_SECONDS)');
  }, 90_000);
});
