/**
 * A place in the global (`$all`) order of the log. KurrentDB positions are a pair of 64-bit
 * transaction-log offsets; the embedded adapters use one sequence number for both halves.
 * Positions are opaque to callers: compare them with `comparePositions`, persist them with
 * `formatPosition` / `parsePosition`, never do arithmetic on them.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Where a read or subscription over `$all` starts. */
export type PositionOrigin = Position | 'start' | 'end';

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function isPosition(value: unknown): value is Position {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Position).commit === 'bigint' &&
    typeof (value as Position).prepare === 'bigint'
  );
}

/** `commit/prepare`, the form checkpoints are stored in. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

const POSITION_TEXT = /^(0|[1-9][0-9]{0,19})\/(0|[1-9][0-9]{0,19})$/;
const MAX_UINT64 = (1n << 64n) - 1n;

/** Parses `formatPosition` output; anything else is refused with a message naming the input. */
export function parsePosition(text: string): Position {
  const match = POSITION_TEXT.exec(text);
  if (!match) throw new RangeError(`invalid position "${text}": expected "<commit>/<prepare>"`);
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  if (commit > MAX_UINT64 || prepare > MAX_UINT64) {
    throw new RangeError(`invalid position "${text}": out of the 64-bit range`);
  }
  return { commit, prepare };
}

/** The position the embedded adapters give the event with global sequence number `sequence`. */
export function sequencePosition(sequence: bigint): Position {
  return { commit: sequence, prepare: sequence };
}
