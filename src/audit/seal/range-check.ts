import type { Position } from '#event-store';

/** What verification found wrong, named after what must have happened to the log. */
export type Discrepancy = 'edited' | 'inserted' | 'deleted' | 'reordered' | 'seal_altered' | 'seal_missing';

/** An event of the log inside a seal's range, with the entry it has now. */
export interface LoggedEntry {
  position: Position;
  stream: string;
  revision: bigint;
  entry: string;
}

/** Why a sealed entry may be missing from the log without tampering, or null if it may not. */
export type Removal = (entry: string) => Promise<'expired' | 'erased' | null>;

export interface RangeFinding {
  /** The first discrepancy: where, why, and the log event there (none past the range's end). */
  bad: { position: Position; reason: Discrepancy; event?: LoggedEntry } | null;
  expired: number;
  erased: number;
}

/**
 * Compares one seal's entries with the events now in its range, in order (two pointers), and
 * classifies the first difference by whether each side's entry appears anywhere on the other
 * side (one Set per side: memory bounded by one seal):
 * - the log's event is not sealed and the sealed one is not in the log: the slot was `edited`;
 * - the log's event is not sealed, the sealed one comes later: an event was `inserted`;
 * - the sealed one is not in the log (and not legitimately removed): it was `deleted`, named at
 *   the log event found in its place, or at the seal's `through` when the range ran out;
 * - both are there, elsewhere: `reordered`.
 * Only the per-event comparison runs for an intact range; removals are looked up on a mismatch.
 */
export async function checkRange(sealed: readonly string[], logged: readonly LoggedEntry[], removal: Removal, through: Position): Promise<RangeFinding> {
  const finding: RangeFinding = { bad: null, expired: 0, erased: 0 };
  let sealedSet: Set<string> | undefined;
  let loggedSet: Set<string> | undefined;
  let i = 0;
  let j = 0;
  while (i < sealed.length || j < logged.length) {
    const expected = sealed[i];
    const actual = logged[j];
    if (expected !== undefined && actual !== undefined && expected === actual.entry) {
      i++;
      j++;
      continue;
    }
    sealedSet ??= new Set(sealed);
    loggedSet ??= new Set(logged.map((event) => event.entry));
    const expectedInLog = expected !== undefined && loggedSet.has(expected);
    if (expected !== undefined && !expectedInLog) {
      const removed = await removal(expected);
      if (removed !== null) {
        finding[removed] += 1;
        i++;
        continue;
      }
    }
    if (actual === undefined) return { ...finding, bad: { position: through, reason: 'deleted' } };
    const actualSealed = expected !== undefined && sealedSet.has(actual.entry);
    const reason: Discrepancy = actualSealed ? (expectedInLog ? 'reordered' : 'deleted') : expectedInLog || expected === undefined ? 'inserted' : 'edited';
    return { ...finding, bad: { position: actual.position, reason, event: actual } };
  }
  return finding;
}
