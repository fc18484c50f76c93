import { comparePositions, type EventStore, formatPosition, type Position, parsePosition, type RecordedEvent } from '#event-store';
import { PERSONAL_DATA_ERASED, personalErasureStream } from '../../storage/personal-data/personal-data.events.js';
import { checkRange, type Discrepancy, type LoggedEntry } from './range-check.js';
import { LOG_SEALS_STREAM, readSeal, removableEntry, sealChain } from './seal-format.js';
import { SealedLogCursor } from './sealed-log-cursor.js';

export interface VerifyOptions {
  /** Milliseconds since the epoch: retention is judged as of this moment. */
  now: number;
  retentionAuthorizationCodeDays: number;
  retentionAuditDays: number;
}

export interface FirstBad {
  /** `$all` position (`commit/prepare`) of the first event, or seal range end, that does not hold. */
  position: string;
  reason: Discrepancy;
  /** The log event at `position`, when there is one. */
  stream?: string;
  revision?: string;
  /** Sequence of the seal whose check failed. */
  seal: number;
}

export interface VerifyReport {
  ok: boolean;
  /** Seals checked (all of them when ok). */
  seals: number;
  /** Entries of those seals. */
  sealedEvents: number;
  /** Sealed events gone by retention (authorization codes, audit days past their age). */
  expired: number;
  /** Sealed events gone by erasure (personal-data keys of forgotten subjects). */
  erased: number;
  /** Events after the last seal, not covered yet (counted only when everything before holds). */
  unsealedTail: number;
  /** The last seal: record its chain elsewhere, since truncating the log's end shows nowhere inside it. */
  head: { sequence: number; through: string; chain: string } | null;
  firstBad: FirstBad | null;
}

const DAY_MS = 86_400_000;

/**
 * Checks the log against its seals: the seals form one unbroken, correctly chained sequence, and
 * each seal's entries are exactly the events now in its range, except those retention or erasure
 * removed legitimately. Reads the seals and `$all` forwards once, side by side; memory holds one
 * seal's range at a time. The key is derived once; per event it costs a read and one HMAC.
 */
export class LogVerifier {
  private readonly erasures = new Map<string, Set<string>>();
  /** The end of the last seal: an erasure counts only once a seal covers it (see isErased). */
  private sealedThrough: Position | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly key: Buffer,
    private readonly options: VerifyOptions,
  ) {}

  async verify(): Promise<VerifyReport> {
    const report: VerifyReport = { ok: true, seals: 0, sealedEvents: 0, expired: 0, erased: 0, unsealedTail: 0, head: null, firstBad: null };
    const log = new SealedLogCursor(this.store, this.key);
    const fail = (bad: FirstBad): VerifyReport => ({ ...report, ok: false, firstBad: bad });
    try {
      for await (const last of this.store.readStream(LOG_SEALS_STREAM, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
        this.sealedThrough = sealEnd(last);
      }
      let previous: { sequence: number; chain: string | null; through: string | null } = { sequence: -1, chain: null, through: null };
      for await (const event of this.store.readStream(LOG_SEALS_STREAM)) {
        const sequence = previous.sequence + 1;
        if (event.revision !== BigInt(sequence)) {
          // The missing seal covered the events right after the previous one: the first of them is the first unproven.
          const first = await log.peek();
          return fail({ ...describe(first ?? undefined, first?.position ?? sealEnd(event)), reason: 'seal_missing', seal: sequence });
        }
        const seal = readSeal(event);
        if (typeof seal === 'string' || sealChain(this.key, previous.chain, seal) !== seal.chain || seal.after !== previous.through) {
          return fail({ position: formatPosition(sealEnd(event)), reason: 'seal_altered', seal: sequence });
        }
        const through = parsePosition(seal.through);
        const logged = await log.takeThrough(through);
        const finding = await checkRange(seal.entries, logged, (entry) => this.removal(entry), through);
        report.expired += finding.expired;
        report.erased += finding.erased;
        if (finding.bad !== null) return fail({ ...describe(finding.bad.event, finding.bad.position), reason: finding.bad.reason, seal: sequence });
        report.seals += 1;
        report.sealedEvents += seal.count;
        report.head = { sequence, through: seal.through, chain: seal.chain };
        previous = { sequence, chain: seal.chain, through: seal.through };
      }
      report.unsealedTail = await log.countRest();
      return report;
    } finally {
      await log.close();
    }
  }

  /** Whether a sealed entry absent from the log was removed by retention or erasure. */
  private async removal(entry: string): Promise<'expired' | 'erased' | null> {
    const removable = removableEntry(entry);
    if (removable === null) return null;
    if (removable.kind === 'personal-key') return (await this.isErased(removable.keyId)) ? 'erased' : null;
    const days = removable.kind === 'authorization-code' ? this.options.retentionAuthorizationCodeDays : this.options.retentionAuditDays;
    return removable.createdAtMs < this.options.now - days * DAY_MS ? 'expired' : null;
  }

  /**
   * A key `<subjectRef>-<generation>` is erased when its subject's erasure stream names it in an
   * event a seal covers. An erasure still in the unsealed tail is not evidence yet: anyone able
   * to append it could otherwise delete a key and pass it off as erased.
   */
  private async isErased(keyId: string): Promise<boolean> {
    const cut = keyId.lastIndexOf('-');
    if (cut <= 0) return false;
    const subjectRef = keyId.slice(0, cut);
    let erased = this.erasures.get(subjectRef);
    if (erased === undefined) {
      erased = new Set();
      for await (const event of this.store.readStream(personalErasureStream(subjectRef))) {
        const erasedKey = event.data['keyId'];
        const sealed = this.sealedThrough !== null && comparePositions(event.position, this.sealedThrough) <= 0;
        if (event.type === PERSONAL_DATA_ERASED && typeof erasedKey === 'string' && sealed) erased.add(erasedKey);
      }
      this.erasures.set(subjectRef, erased);
    }
    return erased.has(keyId);
  }
}

/** Where a seal ends, read defensively: an altered seal may not hold a valid position. */
function sealEnd(event: RecordedEvent): Position {
  const through = event.data['through'];
  try {
    return typeof through === 'string' ? parsePosition(through) : event.position;
  } catch {
    return event.position;
  }
}

function describe(event: LoggedEntry | undefined, position: Position): Pick<FirstBad, 'position' | 'stream' | 'revision'> {
  return { position: formatPosition(position), ...(event ? { stream: event.stream, revision: event.revision.toString() } : {}) };
}
