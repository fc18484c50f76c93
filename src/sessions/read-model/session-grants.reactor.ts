import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import { RevokeGrantCommand } from '../../tokens/commands/revoke-grant.command.js';
import { GRANT_ISSUED, type GrantIssued } from '../../tokens/domain/grant.events.js';
import { SESSION_ENDED, SESSION_STREAM_PREFIX } from '../domain/session.events.js';
import { isSessionId } from '../domain/session-id.js';

const GRANT_STREAM_PREFIX = 'grant-';
/** Who the revocations are recorded as caused by. */
export const SESSION_REACTOR_ACTOR = 'meshid:session-grants';

/**
 * Logout revokes the session's grants. `apply` keeps `session_grants` (which grant was issued
 * under which session) and `ended_sessions`, and marks a grant `revoke_pending` when its session
 * ends, or when it is issued under a session that has already ended (a code redeemed while
 * its session was being logged out must not survive the logout). `react` then revokes each
 * pending grant with RevokeGrant and clears the mark.
 *
 * At least once: a crash between a revocation and clearing its mark repeats it, and every
 * replica runs this reactor over the same log; RevokeGrant is idempotent (a revoked grant is
 * left alone, and concurrent revocations are serialised by the grant's stream revision), so the
 * repetitions write nothing. A rebuild replays the log and re-checks every ended session's
 * grants the same way.
 */
@Injectable()
@ReadModelProjection()
export class SessionGrantsReactor implements Projection {
  readonly name = 'session-grants';
  readonly tables = ['session_grants', 'ended_sessions'] as const;
  /** By type, not stream: a grant's rotations (one per refresh) are none of its business. */
  readonly filter = { eventTypePrefixes: [GRANT_ISSUED, SESSION_ENDED] };

  /** The position of the last revocation this replica's reactor wrote (a logout waits for it to be projected). */
  lastRevocation: Position | null = null;

  constructor(private readonly commands: CommandBus) {}

  apply(event: RecordedEvent, db: Database.Database): void {
    if (event.type === GRANT_ISSUED && event.stream.startsWith(GRANT_STREAM_PREFIX)) {
      // Grants of client_credentials, and those recorded before sessions existed, have no session.
      const sessionId = (event.data as GrantIssued).sessionId;
      if (!isSessionId(sessionId)) return;
      const ended = db.prepare('SELECT 1 FROM ended_sessions WHERE session_id = ?').get(sessionId) !== undefined;
      db.prepare('INSERT OR IGNORE INTO session_grants (grant_id, session_id, revoke_pending) VALUES (?, ?, ?)').run(
        event.stream.slice(GRANT_STREAM_PREFIX.length),
        sessionId,
        ended ? 1 : 0,
      );
    } else if (event.type === SESSION_ENDED && event.stream.startsWith(SESSION_STREAM_PREFIX)) {
      const sessionId = event.stream.slice(SESSION_STREAM_PREFIX.length);
      const correlationId = typeof event.metadata.correlationId === 'string' ? event.metadata.correlationId : null;
      db.prepare('INSERT OR IGNORE INTO ended_sessions (session_id, ended_at, correlation_id) VALUES (?, ?, ?)').run(
        sessionId,
        event.createdAt.toISOString(),
        correlationId,
      );
      db.prepare('UPDATE session_grants SET revoke_pending = 1 WHERE session_id = ?').run(sessionId);
    }
  }

  /** Revokes every pending grant, each under the correlation id of the logout that ended its session. */
  async react(db: Database.Database): Promise<void> {
    const pending = db
      .prepare('SELECT g.grant_id, e.correlation_id FROM session_grants g JOIN ended_sessions e USING (session_id) WHERE g.revoke_pending = 1')
      .all() as Array<{ grant_id: string; correlation_id: string | null }>;
    for (const row of pending) {
      const context = { actor: SESSION_REACTOR_ACTOR, correlationId: row.correlation_id ?? randomUUID() };
      const { position } = await this.commands.execute(new RevokeGrantCommand(row.grant_id, 'session_ended', undefined, context));
      if (position !== null) this.lastRevocation = position;
      db.prepare('UPDATE session_grants SET revoke_pending = 0 WHERE grant_id = ?').run(row.grant_id);
    }
  }
}
