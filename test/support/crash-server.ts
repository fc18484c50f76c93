import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './run-cli.js';

/** How long a (re)started meshid may take to answer /readyz 200 on a busy shared machine. */
const READY_DEADLINE_MS = 60000;
/** How much of a process's output is kept to explain a failure (its last characters). */
const OUTPUT_TAIL = 20000;

/**
 * One `meshid serve` child process on a fixed data directory and port that can be killed with
 * SIGKILL and started again on the same directory and port, as a supervisor would.
 */
export class CrashableServer {
  readonly url: string;
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private output = '';
  /** Whether it answered /readyz 200 since it was last started (the load sends only to ready servers). */
  ready = false;
  starts = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the process and resolves when /readyz answers 200; a process that exits first fails it. */
  async start(): Promise<void> {
    this.starts++;
    this.ready = false;
    const child = spawnCli(['serve', '--port', String(this.port)], this.env);
    this.child = child;
    this.output += `\n--- ${this.name} start #${this.starts} (pid ${child.pid}) ---\n`;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_TAIL);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    await this.untilReady(child);
    this.ready = true;
  }

  private async untilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:${this.tail()}`);
      }
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${this.name} was not ready within ${READY_DEADLINE_MS} ms:${this.tail()}`);
  }

  /** SIGKILL: no shutdown hook runs, whatever it was doing is cut where it stood. */
  async kill(): Promise<void> {
    this.ready = false;
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, the clean shutdown; resolves with the exit code (0 when it drained and closed the store). */
  async stop(): Promise<number | null> {
    this.ready = false;
    const child = this.child;
    if (child === null) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return this.exited;
  }

  /** The last of its output, for a failure message. */
  tail(): string {
    return `\n${this.output.slice(-4000)}`;
  }
}
