import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const register = fileURLToPath(new URL('../../../../test/support/register-ts.mjs', import.meta.url));

/**
 * One child running a TypeScript script that follows the race protocol: it prints `ready` once
 * set up, waits for a line `go`, acts, prints one JSON line with its outcome and exits.
 */
class RacingChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, ['--conditions=source', '--import', register, script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`racing process ended early: ${this.stderr}`);
    return value;
  }

  go(): void {
    this.child.stdin.write('go\n');
  }

  async exited(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

/**
 * Starts one process per argument list, waits until every one is ready, then releases them at
 * once so that what they do really races, and returns each one's JSON outcome.
 */
export async function raceChildProcesses<T>(script: string, argsPerChild: string[][]): Promise<T[]> {
  const children = argsPerChild.map((args) => new RacingChild(script, args));
  for (const child of children) {
    const line = await child.next();
    if (line !== 'ready') throw new Error(`racing process said ${JSON.stringify(line)} instead of ready`);
  }
  for (const child of children) child.go();
  const outcomes = await Promise.all(children.map(async (child) => JSON.parse(await child.next()) as T));
  await Promise.all(children.map((child) => child.exited()));
  return outcomes;
}

/** In a racing child: announce readiness, wait for `go`, run `act`, print its outcome. */
export async function runRacingChild(act: () => Promise<unknown>): Promise<void> {
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== 'go') continue;
    process.stdout.write(`${JSON.stringify(await act())}\n`);
    break;
  }
  lines.close();
}
