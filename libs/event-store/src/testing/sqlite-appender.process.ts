/**
 * A separate OS process that appends to a SQLite event store, for the cross-process tests.
 * Protocol on stdio: prints `ready` once the store is open, waits for a line `go`, appends, then
 * prints one JSON line `{"outcome":"won"|"lost"|"error", ...}` and exits.
 *
 * argv: <db path> <stream> <expected revision: no_stream | any | bigint> <count of events> <tag>
 */
import { WrongExpectedVersionError } from '../errors.js';
import type { ExpectedRevision } from '../event-store.js';
import { SqliteEventStore } from '../adapters/sqlite/sqlite.event-store.js';
import { runRacingChild } from './child-process-race.js';

const [path, stream, expectedText, countText, tag] = process.argv.slice(2);
if (!path || !stream || !expectedText || !countText || !tag) {
  process.stderr.write('usage: sqlite-appender <db> <stream> <expected> <count> <tag>\n');
  process.exit(1);
}
const expected: ExpectedRevision = /^[0-9]+$/.test(expectedText) ? BigInt(expectedText) : (expectedText as ExpectedRevision);
const store = new SqliteEventStore({ path });

await runRacingChild(async () => {
  const events = Array.from({ length: Number(countText) }, (_, i) => ({ type: 'ProcessAppended', data: { tag, i } }));
  try {
    const result = await store.append(stream, events, expected);
    return { outcome: 'won', tag, revision: String(result.nextExpectedRevision) };
  } catch (error) {
    const outcome = error instanceof WrongExpectedVersionError ? 'lost' : 'error';
    return { outcome, tag, message: (error as Error).message };
  }
});
await store.close();
