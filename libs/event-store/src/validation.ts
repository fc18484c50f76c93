import { InvalidEventStoreInputError, WrongExpectedVersionError } from './errors.js';
import type {
  EventFilter,
  EventMetadata,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from './event-store.js';
import { newEventId } from './event-id.js';
import { isPosition } from './position.js';

/**
 * Stream names: 1-200 printable ASCII characters without spaces, not starting with `$` (KurrentDB
 * reserves those for system streams). The part before the first `-` is the stream's category.
 */
const STREAM_NAME = /^[!-#%-~][!-~]{0,199}$/;
/** Event types are PascalCase names of facts in the past tense: `ClientRegistered`. */
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_INT64 = (1n << 63n) - 1n;

export function validateStreamName(stream: unknown): string {
  if (typeof stream !== 'string' || !STREAM_NAME.test(stream)) {
    throw new InvalidEventStoreInputError(
      'stream',
      `invalid stream name ${JSON.stringify(stream)}: expected 1-200 printable ASCII characters, no spaces, not starting with "$"`,
    );
  }
  return stream;
}

/** The longest max age accepted (68 years): beyond any retention policy, and `maxAge * 1000` stays exact. */
const MAX_AGE_LIMIT = 2 ** 31 - 1;

export function validateMaxAge(maxAgeSeconds: unknown): number {
  if (typeof maxAgeSeconds !== 'number' || !Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 1 || maxAgeSeconds > MAX_AGE_LIMIT) {
    throw new InvalidEventStoreInputError(
      'maxAgeSeconds',
      `invalid maxAgeSeconds ${String(maxAgeSeconds)}: expected a whole number of seconds from 1 to ${MAX_AGE_LIMIT}`,
    );
  }
  return maxAgeSeconds;
}

/** `compact`'s reference time in ms: a valid Date, or the store's clock when absent. */
export function validateCompactionTime(now: unknown, clock: () => number): number {
  if (now === undefined) return clock();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidEventStoreInputError('now', 'invalid now: expected a valid Date');
  }
  return now.getTime();
}

export function validateEventType(type: unknown): string {
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
    throw new InvalidEventStoreInputError(
      'type',
      `invalid event type ${JSON.stringify(type)}: expected a PascalCase name of letters and digits (at most 100)`,
    );
  }
  return type;
}

function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Serialises a JSON object, refusing what JSON cannot carry (bigint, cycles) with a named error. */
export function serializeJson(field: 'data' | 'metadata', value: unknown, type: string): string {
  if (!isJsonObject(value)) {
    throw new InvalidEventStoreInputError(field, `event ${type}: ${field} must be a plain JSON object`);
  }
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new InvalidEventStoreInputError(
      field,
      `event ${type}: ${field} is not serialisable as JSON (${(error as Error).message})`,
    );
  }
}

/** An event checked and completed: id assigned, payloads serialised once. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

export function prepareEvents(events: readonly NewEvent[]): PreparedEvent[] {
  if (!Array.isArray(events)) {
    throw new InvalidEventStoreInputError('events', 'events must be an array');
  }
  const ids = new Set<string>();
  return events.map((event) => {
    const type = validateEventType(event?.type);
    const id = event.id ?? newEventId();
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidEventStoreInputError('id', `event ${type}: id ${JSON.stringify(id)} is not a lowercase UUID`);
    }
    if (ids.has(id)) throw new InvalidEventStoreInputError('id', `event ${type}: id ${id} appears twice in one append`);
    ids.add(id);
    if (event.metadata !== undefined && !isJsonObject(event.metadata)) {
      throw new InvalidEventStoreInputError('metadata', `event ${type}: metadata must be a plain JSON object`);
    }
    const metadata: EventMetadata = { schemaVersion: 1, ...event.metadata };
    return {
      id,
      type,
      data: serializeJson('data', event.data, type),
      metadata: serializeJson('metadata', metadata, type),
    };
  });
}

export function validateExpectedRevision(expected: unknown): ExpectedRevision {
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return expected;
  if (typeof expected === 'bigint' && expected >= 0n && expected <= MAX_INT64) return expected;
  throw new InvalidEventStoreInputError(
    'expectedRevision',
    `invalid expected revision ${String(expected)}: expected "no_stream", "stream_exists", "any" or a bigint revision >= 0`,
  );
}

function validateMaxCount(maxCount: unknown): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new InvalidEventStoreInputError('maxCount', `invalid maxCount ${String(maxCount)}: expected an integer >= 0`);
  }
  return maxCount;
}

function validateDirection(direction: unknown): 'forwards' | 'backwards' {
  if (direction === undefined || direction === 'forwards' || direction === 'backwards') return direction ?? 'forwards';
  throw new InvalidEventStoreInputError('direction', `invalid direction ${String(direction)}: expected "forwards" or "backwards"`);
}

export interface CheckedReadStreamOptions {
  direction: 'forwards' | 'backwards';
  fromRevision: bigint | 'start' | 'end';
  maxCount: number;
}

export function validateReadStreamOptions(options: ReadStreamOptions = {}): CheckedReadStreamOptions {
  const direction = validateDirection(options.direction);
  const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
  if (!(from === 'start' || from === 'end' || (typeof from === 'bigint' && from >= 0n && from <= MAX_INT64))) {
    throw new InvalidEventStoreInputError('fromRevision', `invalid fromRevision ${String(from)}: expected "start", "end" or a bigint >= 0`);
  }
  return { direction, fromRevision: from, maxCount: validateMaxCount(options.maxCount) };
}

export function validateFilter(filter: EventFilter | undefined): EventFilter | undefined {
  if (filter === undefined) return undefined;
  const byStream = filter.streamNamePrefixes;
  const byType = filter.eventTypePrefixes;
  if ((byStream === undefined) === (byType === undefined)) {
    throw new InvalidEventStoreInputError('filter', 'a filter takes exactly one of streamNamePrefixes or eventTypePrefixes');
  }
  const prefixes = byStream ?? byType!;
  if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.some((p) => typeof p !== 'string' || p.length === 0)) {
    throw new InvalidEventStoreInputError('filter', 'filter prefixes must be a non-empty array of non-empty strings');
  }
  return filter;
}

export interface CheckedReadAllOptions {
  direction: 'forwards' | 'backwards';
  fromPosition: ReadAllOptions['fromPosition'] & {};
  maxCount: number;
  filter: EventFilter | undefined;
}

export function validatePositionOrigin(from: unknown, field: string): void {
  if (from === 'start' || from === 'end' || isPosition(from)) return;
  throw new InvalidEventStoreInputError(field, `invalid ${field}: expected "start", "end" or a position`);
}

export function validateReadAllOptions(options: ReadAllOptions = {}): CheckedReadAllOptions {
  const direction = validateDirection(options.direction);
  const fromPosition = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
  validatePositionOrigin(fromPosition, 'fromPosition');
  return { direction, fromPosition, maxCount: validateMaxCount(options.maxCount), filter: validateFilter(options.filter) };
}

/** Whether an event passes a filter (for adapters that filter in process). */
export function matchesFilter(filter: EventFilter | undefined, stream: string, type: string): boolean {
  if (filter === undefined) return true;
  if (filter.streamNamePrefixes) return filter.streamNamePrefixes.some((p) => stream.startsWith(p));
  return filter.eventTypePrefixes!.some((p) => type.startsWith(p));
}

/**
 * The one place the expected-revision rule is decided for the embedded adapters.
 * `current` is the stream's last revision, or undefined when the stream has no events.
 */
export function assertExpectedRevision(stream: string, expected: ExpectedRevision, current: bigint | undefined): void {
  const actual = current ?? 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'bigint' && current === expected);
  if (!ok) throw new WrongExpectedVersionError(stream, expected, actual);
}
