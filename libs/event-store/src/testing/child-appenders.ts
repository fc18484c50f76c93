import { fileURLToPath } from 'node:url';
import { raceChildProcesses } from './child-process-race.js';

const script = fileURLToPath(new URL('./sqlite-appender.process.ts', import.meta.url));

export interface AppenderOutcome {
  outcome: 'won' | 'lost' | 'error';
  tag: string;
  revision?: string;
  message?: string;
}

/** One `sqlite-appender.process.ts` per tag, all appending to `stream` of `path` at once. */
export function raceAppendsInProcesses(
  path: string,
  stream: string,
  expected: string,
  tags: string[],
  eventsEach = 1,
): Promise<AppenderOutcome[]> {
  return raceChildProcesses<AppenderOutcome>(
    script,
    tags.map((tag) => [path, stream, expected, String(eventsEach), tag]),
  );
}
