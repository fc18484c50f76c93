import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../storage.tokens.js';
import { PERSONAL_DATA_ERASED, PERSONAL_ERASURE_STREAM_PREFIX, type PersonalDataErased } from './personal-data.events.js';
import { PersonalDataKeys } from './personal-data-keys.js';

/**
 * Every replica drops a destroyed key from its cache when it sees the erasure, so a forgotten
 * subject's data stops opening everywhere within the projections' lag, not at the next restart.
 * It keeps no table: the log's erasure streams are the record.
 */
@ReadModelProjection()
export class PersonalDataErasuresProjection implements Projection {
  readonly name = 'personal-data-erasures';
  readonly tables = [] as const;
  readonly filter = { streamNamePrefixes: [PERSONAL_ERASURE_STREAM_PREFIX] };

  constructor(private readonly keys: PersonalDataKeys) {}

  apply(_event: RecordedEvent, _db: Database.Database): void {}

  /** Every replica evicts the destroyed key, whoever committed first. */
  observe(event: RecordedEvent): void {
    if (event.type !== PERSONAL_DATA_ERASED) return;
    const { subject, keyId } = event.data as PersonalDataErased;
    if (typeof subject === 'string' && typeof keyId === 'string') this.keys.evict(subject, keyId);
  }
}
