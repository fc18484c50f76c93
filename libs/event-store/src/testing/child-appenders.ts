import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./sqlite-appender.process.ts', import.meta.url));
const register = fileURLToPath(new URL('../../../../test/support/register-ts.mjs', import.meta.url));

export interface AppenderOutcome {
  outcome: 'won' | 'lost' | 'error';
  tag: string;
  revision?: string;
  message?: string;
}

/** One `sqlite-appender.process.ts` child, driven line by line. */
class ChildAppender {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--conditions=source', '--import', register, script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`appender process ended early: ${this.stderr}`);
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
 * Starts one process per tag, waits until every one has opened the store, then releases them at
 * once so their appends really race, and returns each process's outcome.
 */
export async function raceAppendsInProcesses(
  path: string,
  stream: string,
  expected: string,
  tags: string[],
  eventsEach = 1,
): Promise<AppenderOutcome[]> {
  const children = tags.map((tag) => new ChildAppender([path, stream, expected, String(eventsEach), tag]));
  for (const child of children) expect(await child.next()).toBe('ready');
  for (const child of children) child.go();
  const outcomes = await Promise.all(children.map(async (child) => JSON.parse(await child.next()) as AppenderOutcome));
  await Promise.all(children.map((child) => child.exited()));
  return outcomes;
}

function expect(value: string) {
  return {
    toBe(wanted: string) {
      if (value !== wanted) throw new Error(`appender process said ${JSON.stringify(value)}, expected ${wanted}`);
    },
  };
}
