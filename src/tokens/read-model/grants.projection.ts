import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { PERSONAL_DATA_ERASED, PERSONAL_ERASURE_STREAM_PREFIX, type PersonalDataErased } from '../../storage/personal-data/personal-data.events.js';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import { GRANT_ISSUED, GRANT_REVOKED, type GrantIssued, type GrantRevoked, REFRESH_TOKEN_ROTATED, type RefreshTokenRotated } from '../domain/grant.events.js';

const GRANT_STREAM_PREFIX = 'grant-';

const isoOrNull = (ms: unknown): string | null => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/**
 * The `grants` table: one row per recorded grant, for the admin views. Every write sets whole
 * values keyed by grant id, and a revocation keeps the first one, so a replay gives the same rows.
 * A subject's erasure drops the login of the grants recorded so far, as a replay would find it
 * (their identity no longer opens).
 */
@ReadModelProjection()
export class GrantsProjection implements Projection {
  readonly name = 'grants';
  readonly tables = ['grants'] as const;
  readonly filter = { streamNamePrefixes: [GRANT_STREAM_PREFIX, PERSONAL_ERASURE_STREAM_PREFIX] };

  apply(recorded: RecordedEvent, db: Database.Database): void {
    if (recorded.type === PERSONAL_DATA_ERASED && recorded.stream.startsWith(PERSONAL_ERASURE_STREAM_PREFIX)) {
      db.prepare('UPDATE grants SET login = NULL WHERE subject = ?').run(String((recorded.data as PersonalDataErased).subject));
      return;
    }
    if (!recorded.stream.startsWith(GRANT_STREAM_PREFIX)) return;
    const grantId = recorded.stream.slice(GRANT_STREAM_PREFIX.length);
    const at = recorded.createdAt.toISOString();
    switch (recorded.type) {
      case GRANT_ISSUED: {
        const data = recorded.data as GrantIssued;
        db.prepare(
          `INSERT OR REPLACE INTO grants (grant_id, client_id, subject, login, scope, resources, issued_at, last_used_at, refresh_expires_at)
           VALUES (@grantId, @clientId, @subject, @login, @scope, @resources, @at, @at, @refreshExpiresAt)`,
        ).run({
          grantId,
          clientId: String(data.clientId),
          subject: String(data.subject),
          login: typeof data.identity?.login === 'string' ? data.identity.login : null,
          scope: JSON.stringify(Array.isArray(data.scope) ? data.scope : []),
          resources: JSON.stringify(Array.isArray(data.resources) ? data.resources : []),
          at,
          refreshExpiresAt: isoOrNull(data.refreshExpiresAt),
        });
        break;
      }
      case REFRESH_TOKEN_ROTATED: {
        const data = recorded.data as RefreshTokenRotated;
        db.prepare('UPDATE grants SET last_used_at = @at, refresh_expires_at = @refreshExpiresAt WHERE grant_id = @grantId').run({
          grantId,
          at,
          refreshExpiresAt: isoOrNull(data.refreshExpiresAt),
        });
        break;
      }
      case GRANT_REVOKED: {
        const { reason } = recorded.data as GrantRevoked;
        db.prepare('UPDATE grants SET revoked_at = @at, revoked_reason = @reason WHERE grant_id = @grantId AND revoked_at IS NULL').run({
          grantId,
          at,
          reason: String(reason),
        });
        break;
      }
    }
  }
}
