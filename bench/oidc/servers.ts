import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FloorSettings } from './floor-server.js';
import type { ProviderSettings } from './oidc-provider-server.js';
import { progress, sleep } from '../event-store/stats.js';

/** The two servers compared. */
export type ComparedServer = 'meshid' | 'oidc-provider';
export const SERVERS: readonly ComparedServer[] = ['meshid', 'oidc-provider'];
/** Those, and the floor (bench/oidc/floor-server.ts) they are measured against. */
export type ServerName = ComparedServer | 'floor';

/** Never contacted: the load client takes the code from the redirect's Location header. */
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The person every login is for; meshid's dev identity and oidc-provider's account are the same. */
export const DEV_IDENTITY = { login: 'alice@example.com', name: 'Alice Example', groups: ['admins', 'eng'] };
const SUBJECT = `dev:${DEV_IDENTITY.login}`;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface ServerUnderTest {
  name: ServerName;
  issuer: string;
  pid: number;
  login: ClientCredentials & { redirectUri: string };
  clientCredentials: ClientCredentials;
  /** User + system CPU seconds the server process has used so far (/proc/<pid>/stat). */
  cpuSeconds(): number;
  /** Peak (VmHWM) and current (VmRSS) resident set of the server process, in bytes. */
  memory(): { peakRss: number; rss: number };
  /** SIGTERM, then waits for the exit (a --cpu-prof profile is written on exit). */
  stop(): Promise<void>;
}

/** Where the built code is: this module is dist/bench/oidc/servers.js. */
const REPO = new URL('../../../', import.meta.url);
const MESHID_BIN = new URL('bin/meshid.js', REPO).pathname;
const PROVIDER_SERVER = new URL('oidc-provider-server.js', import.meta.url).pathname;
const FLOOR_SERVER = new URL('floor-server.js', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Linux reports /proc/<pid>/stat times in clock ticks of 1/100 s (USER_HZ) on every architecture node runs on. */
const CLOCK_TICKS = 100;

function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function procMemory(pid: number): { peakRss: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peakRss: kib('VmHWM'), rss: kib('VmRSS') };
}

/** Forwards the child's stderr, one prefixed line at a time, and keeps the last lines for errors. */
function watch(name: ServerName, child: ChildProcess): { tail: string[] } {
  const state = { tail: [] as string[] };
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      process.stderr.write(`[${name}] ${line}\n`);
      state.tail.push(line);
      if (state.tail.length > 20) state.tail.shift();
    }
  });
  return state;
}

/** Polls the discovery document until it answers 200; fails early if the child exits. */
async function waitUntilReady(name: ServerName, child: ChildProcess, issuer: string, tail: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited before it was ready: ${tail.join(' | ')}`);
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready within 60 s: ${tail.join(' | ')}`);
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        cleanup();
        resolve();
        return;
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        cleanup();
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function handle(
  name: ServerName,
  child: ChildProcess,
  issuer: string,
  login: ClientCredentials & { redirectUri: string },
  clientCredentials: ClientCredentials,
  cleanup: () => void,
): ServerUnderTest {
  const pid = child.pid!;
  return {
    name,
    issuer,
    pid,
    login,
    clientCredentials,
    cpuSeconds: () => procCpuSeconds(pid),
    memory: () => procMemory(pid),
    stop: stopper(child, cleanup),
  };
}

const execFileAsync = promisify(execFile);

/** `meshid clients create ... --json` against the data directory, before the server starts. */
async function createMeshidClient(env: NodeJS.ProcessEnv, args: string[]): Promise<ClientCredentials> {
  const { stdout } = await execFileAsync(process.execPath, [MESHID_BIN, 'clients', 'create', ...args, '--json'], { env });
  const created = JSON.parse(stdout) as { client_id: string; client_secret?: string };
  if (created.client_secret === undefined) throw new Error(`meshid clients create printed no secret: ${stdout}`);
  return { clientId: created.client_id, clientSecret: created.client_secret };
}

/**
 * The built meshid (`node bin/meshid.js serve`) with the dev identity, and its two clients created
 * with the CLI first: an ES256 login client and a client_credentials client. On a fresh data
 * directory in os.tmpdir(), removed at stop; or on `dataDir`, which the caller owns and keeps.
 */
export async function startMeshid(nodeFlags: string[], options: { dataDir?: string } = {}): Promise<ServerUnderTest> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'meshid-bench-oidc-'));
  const removeDataDir = () => {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    MESHID_PORT: String(port),
    MESHID_ISSUER: issuer,
    MESHID_DATA_DIR: dataDir,
    MESHID_DEV_IDENTITY: JSON.stringify(DEV_IDENTITY),
    MESHID_LOG_LEVEL: 'error',
    // Configured alike: oidc-provider signs with its one ES256 key.
    MESHID_ACCESS_TOKEN_ALG: 'ES256',
    // oidc-provider has no request rate limit; meshid's per-client one would cut the load short.
    MESHID_RATE_LIMIT_REQUESTS_PER_MINUTE: '1000000',
  };
  try {
    progress('meshid: creating the clients with the CLI');
    const login = await createMeshidClient(env, ['--name', 'bench-login', '--redirect-uri', REDIRECT_URI, '--id-token-alg', 'ES256']);
    const clientCredentials = await createMeshidClient(env, ['--name', 'bench-cc', '--grant-types', 'client_credentials']);
    progress(`meshid: starting on ${issuer} (data in ${dataDir})`);
    const child = spawn(process.execPath, [...nodeFlags, MESHID_BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const { tail } = watch('meshid', child);
    const server = handle('meshid', child, issuer, { ...login, redirectUri: REDIRECT_URI }, clientCredentials, removeDataDir);
    try {
      await waitUntilReady('meshid', child, issuer, tail);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  } catch (error) {
    removeDataDir();
    throw error;
  }
}

/** oidc-provider in bench/oidc/oidc-provider-server.ts, with clients registered like meshid's. */
export async function startOidcProvider(nodeFlags: string[]): Promise<ServerUnderTest> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const secret = () => randomBytes(32).toString('base64url');
  const settings: ProviderSettings = {
    port,
    issuer,
    login: { clientId: 'bench-login', clientSecret: secret(), redirectUri: REDIRECT_URI },
    clientCredentials: { clientId: 'bench-cc', clientSecret: secret() },
    account: {
      sub: SUBJECT,
      email: DEV_IDENTITY.login,
      name: DEV_IDENTITY.name,
      preferredUsername: DEV_IDENTITY.login.split('@')[0]!,
      groups: DEV_IDENTITY.groups,
    },
  };
  progress(`oidc-provider: starting on ${issuer}`);
  const child = spawn(process.execPath, [...nodeFlags, PROVIDER_SERVER], {
    env: { ...process.env, BENCH_OP_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const { tail } = watch('oidc-provider', child);
  const server = handle('oidc-provider', child, issuer, settings.login, settings.clientCredentials, () => {});
  try {
    await waitUntilReady('oidc-provider', child, issuer, tail);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** The floor server (bench/oidc/floor-server.ts) on a fresh SQLite file, with the same two clients. */
export async function startFloor(nodeFlags: string[]): Promise<ServerUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshid-bench-floor-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const secret = () => randomBytes(32).toString('base64url');
  const settings: FloorSettings = {
    port,
    issuer,
    databasePath: join(dataDir, 'floor.db'),
    login: { clientId: 'bench-login', clientSecret: secret(), redirectUri: REDIRECT_URI },
    clientCredentials: { clientId: 'bench-cc', clientSecret: secret() },
    account: {
      sub: SUBJECT,
      claims: { email: DEV_IDENTITY.login, email_verified: true, name: DEV_IDENTITY.name, preferred_username: DEV_IDENTITY.login.split('@')[0]!, groups: DEV_IDENTITY.groups },
    },
  };
  progress(`floor: starting on ${issuer}`);
  const child = spawn(process.execPath, [...nodeFlags, FLOOR_SERVER], {
    env: { ...process.env, BENCH_FLOOR_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const { tail } = watch('floor', child);
  const server = handle('floor', child, issuer, settings.login, settings.clientCredentials, () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    await waitUntilReady('floor', child, issuer, tail);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
