import { createHmac } from 'node:crypto';
import type { JsonObject, RecordedEvent } from '#event-store';
import { PERSONAL_KEY_STREAM_PREFIX } from '../../storage/personal-data/personal-data.events.js';

/**
 * Tamper evidence (issue F §4). Every event of the log is summarised by a short keyed tag; seals
 * appended to one stream list the tags of consecutive ranges of `$all` and are chained to each
 * other by a MAC. Whoever edits, removes, inserts or reorders an event, or edits or removes a
 * seal, without the data directory's pepper cannot make the seals agree again.
 */
export const LOG_SEALS_STREAM = 'log-seals';
export const LOG_SEALED = 'LogSealed';
/** Purpose of the key derived from the pepper (SecretHasher.derivedKey) for tags and chains. */
export const LOG_SEAL_KEY_PURPOSE = 'log-seal';

/**
 * One seal: the entries of the events in (after, through] of `$all`, in order, `log-seals`
 * excluded. `sequence` equals the event's revision in `log-seals`, so a removed seal shows as a
 * gap; `chain` MACs this seal together with the previous seal's chain, so an edited one shows.
 */
export interface LogSealedData extends JsonObject {
  sequence: number;
  /** `formatPosition` of the previous seal's `through`; null for the first seal. */
  after: string | null;
  through: string;
  count: number;
  entries: string[];
  chain: string;
}

/** Bytes of HMAC kept per event: 96 bits, 16 base64url characters; forging one needs the key. */
const TAG_BYTES = 12;
export const TAG_LENGTH = 16;

const AUTHORIZATION_CODE_PREFIX = 'authcode-';
const AUDIT_DAY_PREFIX = 'audit-';

/**
 * The sealed entry of an event: its tag, plus, for streams that retention or erasure may remove,
 * what the verifier needs to accept their absence (`~a`/`~u` + creation second in base 36 for
 * authorization codes and audit days, `~k` + key id for a subject's personal-data key).
 *
 * The canonical text uses the creation time in whole seconds: KurrentDB returns seconds on reads
 * but milliseconds in subscriptions, and the sealer (subscription) and the verifier (read) must
 * agree. Data and metadata are serialised from the decoded event, which every adapter gives back
 * in the order it was written.
 */
export function eventEntry(key: Buffer, event: RecordedEvent): string {
  const seconds = Math.floor(event.createdAt.getTime() / 1000);
  const canonical = JSON.stringify([event.stream, event.revision.toString(), event.id, event.type, seconds, event.data, event.metadata]);
  const tag = createHmac('sha256', key).update(canonical, 'utf8').digest().subarray(0, TAG_BYTES).toString('base64url');
  return tag + entrySuffix(event.stream, seconds);
}

function entrySuffix(stream: string, seconds: number): string {
  if (stream.startsWith(AUTHORIZATION_CODE_PREFIX)) return `~a${seconds.toString(36)}`;
  if (stream.startsWith(AUDIT_DAY_PREFIX)) return `~u${seconds.toString(36)}`;
  if (stream.startsWith(PERSONAL_KEY_STREAM_PREFIX)) return `~k${stream.slice(PERSONAL_KEY_STREAM_PREFIX.length)}`;
  return '';
}

/** Why an entry's event may be absent from the log without tampering, if it may be. */
export type Removable =
  | { kind: 'authorization-code' | 'audit-day'; createdAtMs: number }
  | { kind: 'personal-key'; keyId: string };

export function removableEntry(entry: string): Removable | null {
  if (entry.length < TAG_LENGTH + 3 || entry[TAG_LENGTH] !== '~') return null;
  const marker = entry[TAG_LENGTH + 1];
  const rest = entry.slice(TAG_LENGTH + 2);
  if (marker === 'k') return { kind: 'personal-key', keyId: rest };
  if (marker !== 'a' && marker !== 'u') return null;
  const seconds = parseInt(rest, 36);
  if (!/^[0-9a-z]+$/.test(rest) || !Number.isSafeInteger(seconds)) return null;
  return { kind: marker === 'a' ? 'authorization-code' : 'audit-day', createdAtMs: seconds * 1000 };
}

/** The chain of a seal: HMAC over the previous chain ('' before the first) and every other field. */
export function sealChain(key: Buffer, previousChain: string | null, seal: Omit<LogSealedData, 'chain'>): string {
  const text = `${previousChain ?? ''}\n${JSON.stringify([seal.sequence, seal.after, seal.through, seal.count, seal.entries])}`;
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** The seal an event of `log-seals` holds, or why it does not hold one. */
export function readSeal(event: RecordedEvent): LogSealedData | string {
  const data = event.data as Partial<LogSealedData>;
  if (event.type !== LOG_SEALED) return `event type ${event.type} is not ${LOG_SEALED}`;
  if (data.sequence !== Number(event.revision)) return `sequence ${String(data.sequence)} is not its revision ${event.revision}`;
  if (data.after !== null && typeof data.after !== 'string') return 'after is neither a position nor null';
  if (typeof data.through !== 'string') return 'through is not a position';
  if (!Array.isArray(data.entries) || !data.entries.every((entry) => typeof entry === 'string')) return 'entries is not a list of strings';
  if (data.count !== data.entries.length) return `count ${String(data.count)} is not the number of entries (${data.entries.length})`;
  if (typeof data.chain !== 'string') return 'chain is missing';
  return data as LogSealedData;
}
