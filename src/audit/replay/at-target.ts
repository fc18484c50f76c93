import { InvalidArgumentError } from 'commander';
import { parsePosition, type Position } from '#event-store';

/** The moment `meshid audit at` is asked about: a log position, or a time. */
export type AtTarget = { kind: 'position'; position: Position; text: string } | { kind: 'time'; time: Date; text: string };

/** Date, or date and time with seconds and fraction optional and a zone required (a local time would be ambiguous). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const AT_TARGET_EXPECTED =
  'expected a log position <commit>/<prepare> (e.g. 1234/1234) or an ISO-8601 time with a zone (e.g. 2025-05-01T12:00:00Z, or a date 2025-05-01 for its start in UTC)';

/** Parses the `<time|position>` argument; a value that is neither is a usage error naming both forms. */
export function parseAtTarget(value: string): AtTarget {
  if (/^\d+\/\d+$/.test(value)) {
    try {
      return { kind: 'position', position: parsePosition(value), text: value };
    } catch (error) {
      throw new InvalidArgumentError(`${(error as Error).message}; ${AT_TARGET_EXPECTED}`);
    }
  }
  const match = ISO_8601.exec(value);
  if (match === null) throw new InvalidArgumentError(AT_TARGET_EXPECTED);
  const [, year, month, day, hour, minute, second] = match;
  const time = new Date(match[4] === undefined ? `${value}T00:00:00Z` : value);
  // Date() rolls 2025-02-30 over to March: refuse what does not name a real calendar moment.
  const utcFields = match[7] === 'Z' || match[7] === undefined;
  const realDate = !Number.isNaN(time.getTime()) && Number(month) >= 1 && Number(month) <= 12 && Number(day) <= daysIn(Number(year), Number(month));
  const realTime = Number(hour ?? 0) <= 23 && Number(minute ?? 0) <= 59 && Number(second ?? 0) <= 59;
  if (!realDate || !realTime || (utcFields && time.getUTCDate() !== Number(day))) {
    throw new InvalidArgumentError(`"${value}" is not a real date and time; ${AT_TARGET_EXPECTED}`);
  }
  return { kind: 'time', time, text: value };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `meshid-at-<target>.db`, the target with every character outside [A-Za-z0-9.-] turned into `-`. */
export function defaultAtFileName(target: AtTarget): string {
  return `meshid-at-${target.text.replace(/[^A-Za-z0-9.-]/g, '-')}.db`;
}
