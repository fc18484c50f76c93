import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import { GRANT_REVOKED, type GrantRevoked } from '../domain/grant.events.js';
import { RevokedGrants } from './revoked-grants.js';

const GRANT_STREAM_PREFIX = 'grant-';

/** `GrantRevoked` into `revoked_grants` and RevokedGrants; a replay rewrites nothing (first revocation wins). */
@ReadModelProjection()
export class RevokedGrantsProjection implements Projection {
  readonly name = 'revoked-grants';
  readonly tables = ['revoked_grants'] as const;
  readonly filter = { streamNamePrefixes: [GRANT_STREAM_PREFIX] };

  constructor(private readonly revoked: RevokedGrants) {}

  apply(recorded: RecordedEvent, db: Database.Database): void {
    if (recorded.type !== GRANT_REVOKED || !recorded.stream.startsWith(GRANT_STREAM_PREFIX)) return;
    const grantId = recorded.stream.slice(GRANT_STREAM_PREFIX.length);
    const { reason } = recorded.data as GrantRevoked;
    db.prepare('INSERT OR IGNORE INTO revoked_grants (grant_id, reason, revoked_at) VALUES (?, ?, ?)').run(
      grantId,
      String(reason),
      recorded.createdAt.toISOString(),
    );
  }

  load(): void {
    this.revoked.onModuleInit();
  }

  /** Every replica's RevokedGrants learns each revocation, whoever wrote its row. */
  observe(recorded: RecordedEvent): void {
    if (recorded.type !== GRANT_REVOKED || !recorded.stream.startsWith(GRANT_STREAM_PREFIX)) return;
    this.revoked.add(recorded.stream.slice(GRANT_STREAM_PREFIX.length));
  }
}
