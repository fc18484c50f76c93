import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const register = fileURLToPath(new URL('./register-ts.mjs', import.meta.url));
/** How long a start may take on a busy shared machine (TypeScript is compiled on the fly). */
const START_DEADLINE_MS = 60_000;

/**
 * Where the child's data directory lives, for faults a test cannot make with file permissions
 * (the tests run as root, which ignores them). Each sandbox is a private mount namespace of the
 * child (`unshare --user --map-root-user --mount`: no privilege needed, and nothing changes
 * outside the child):
 * - `tmpfs`: the data directory is a tmpfs of `bytes`, filled with a copy of `seedDir`; a test
 *   makes the disk full by writing a filler file into it (through `/proc/<pid>/root`).
 * - `read-only`: the data directory is bind-mounted read-only onto itself.
 */
export type Sandbox = { kind: 'tmpfs'; bytes: number; seedDir: string } | { kind: 'read-only' };

export interface MeshidChildOptions {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
  sandbox?: Sandbox;
}

/** One `meshid serve` child process whose output is kept line by line. */
export class MeshidChild {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private output = '';

  constructor(private readonly options: MeshidChildOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const env = {
      PATH: process.env.PATH ?? '',
      MESHID_DATA_DIR: options.dataDir,
      MESHID_PORT: String(options.port),
      MESHID_ISSUER: this.url,
      MESHID_DEV_IDENTITY: 'alice@example.com',
      MESHID_LOG_LEVEL: 'log',
      MESHID_LOG_SEAL_INTERVAL_SECONDS: '3600',
      ...options.env,
    };
    const node = [process.execPath, '--conditions=source', '--import', register, 'src/main.ts', 'serve'];
    const [command, ...args] = sandboxed(options, node);
    this.child = spawn(command!, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  /** Everything the process printed so far. */
  get log(): string {
    return this.output;
  }

  /** Lines of the log matching `pattern`. */
  lines(pattern: RegExp): string[] {
    return this.output.split('\n').filter((line) => pattern.test(line));
  }

  /**
   * A path of the data directory as this test process reaches it: through the child's own root
   * when the directory is a mount only the child's namespace sees.
   */
  path(name = ''): string {
    const inside = `${this.options.dataDir}/${name}`;
    return this.options.sandbox ? `/proc/${this.child.pid}/root${inside}` : inside;
  }

  /** Resolves once /readyz answers 200; rejects if the process exits first. */
  async ready(deadlineMs = START_DEADLINE_MS): Promise<void> {
    await until(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`meshid exited (${this.child.exitCode}) before it was ready:\n${this.output}`);
        return (await this.readyz()).status === 200;
      },
      deadlineMs,
      () => `meshid was not ready:\n${this.output.slice(-5000)}`,
    );
  }

  async readyz(): Promise<{ status: number; body: { ready?: boolean; reasons?: string[]; storage?: { fault: string | null } } }> {
    try {
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: (await response.json()) as never };
    } catch {
      return { status: 0, body: {} };
    }
  }

  /**
   * Runs `command` where the child's data directory is as the child sees it: inside its mount
   * namespace when sandboxed (SQLite resolves `/proc/<pid>/root` back to `/`, so opening a
   * database through it would open the empty mount point instead).
   */
  run(command: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const inside = this.options.sandbox
      ? ['nsenter', '--target', String(this.child.pid), '--user', '--mount', '--preserve-credentials', `--wd=${root}`, '--', ...command]
      : command;
    const process_ = spawn(inside[0]!, inside.slice(1), { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    process_.stdout!.on('data', (chunk) => (stdout += chunk));
    process_.stderr!.on('data', (chunk) => (stderr += chunk));
    return once(process_, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  }

  /** `meshid <args>` on this child's data directory, from the sources (no build needed). */
  cli(args: string[], env: Record<string, string> = {}) {
    return this.run([process.execPath, '--conditions=source', '--import', register, 'src/main.ts', ...args], {
      MESHID_DATA_DIR: this.options.dataDir,
      ...env,
    });
  }

  /** The ids of every event of the embedded store's log, in order. */
  async eventIds(): Promise<string[]> {
    const script =
      "const D=require('better-sqlite3');const db=new D(process.argv[1],{readonly:true,fileMustExist:true});" +
      "process.stdout.write(JSON.stringify(db.prepare('SELECT id FROM events ORDER BY position').all().map((r)=>r.id)));db.close();";
    const result = await this.run([process.execPath, '-e', script, `${this.options.dataDir}/meshid.db`]);
    if (result.code !== 0) throw new Error(`reading the log failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as string[];
  }

  /** SIGTERM and the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

function sandboxed(options: MeshidChildOptions, node: string[]): string[] {
  const sandbox = options.sandbox;
  if (sandbox === undefined) return node;
  const unshare = ['unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private', '--', 'sh', '-c'];
  if (sandbox.kind === 'tmpfs') {
    const script = 'mount -t tmpfs -o "size=$1,mode=0700" meshid-faults "$2" && cp -a "$3/." "$2/" && shift 3 && exec "$@"';
    return [...unshare, script, 'sh', String(sandbox.bytes), options.dataDir, sandbox.seedDir, ...node];
  }
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  return [...unshare, script, 'sh', options.dataDir, ...node];
}

/** Polls `condition` until it holds; fails with `explain()` after `deadlineMs`. */
export async function until(condition: () => Promise<boolean> | boolean, deadlineMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
