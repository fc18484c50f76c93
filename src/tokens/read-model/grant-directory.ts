import { Inject, Injectable } from '@nestjs/common';
import type { ReadModelDatabase } from '#projections';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';

/** A recorded grant as the admin views show it. Times are ISO-8601. */
export interface GrantRecord {
  grantId: string;
  clientId: string;
  subject: string;
  login: string | null;
  scope: string[];
  resources: string[];
  issuedAt: string;
  lastUsedAt: string;
  refreshExpiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface GrantFilter {
  subject?: string;
  clientId?: string;
  /** Only grants not revoked whose refresh token is still valid at `now` (ISO-8601). */
  activeAt?: string;
  /** Newest first; start after this (issuedAt, grantId). */
  after?: readonly [string, string];
  limit: number;
}

interface GrantRow {
  grant_id: string;
  client_id: string;
  subject: string;
  login: string | null;
  scope: string;
  resources: string;
  issued_at: string;
  last_used_at: string;
  refresh_expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/**
 * Queries of the `grants` table (GrantsProjection). It lags the log by the projection's lag; a
 * decision about one grant (revoking it) is taken on the grant's own stream, never on this.
 */
@Injectable()
export class GrantDirectory {
  constructor(@Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase) {}

  find(grantId: string): GrantRecord | undefined {
    const row = this.readModels.db.prepare('SELECT * FROM grants WHERE grant_id = ?').get(grantId) as GrantRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /**
   * The distinct (login, subject) pairs of grants whose login equals `login` compared ASCII
   * case-insensitively, at most `limit` of them (the caller applies its own exact rule).
   * WebFinger uses it to know the people who have signed in. A full scan: `login` has no index.
   */
  loginsLike(login: string, limit = 8): Array<{ login: string; subject: string }> {
    return this.readModels.db
      .prepare('SELECT DISTINCT login, subject FROM grants WHERE login = ? COLLATE NOCASE LIMIT ?')
      .all(login, limit) as Array<{ login: string; subject: string }>;
  }

  /** Newest first, by issue time then id (a stable order for keyset paging). */
  list(filter: GrantFilter): GrantRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    if (filter.subject !== undefined) {
      where.push('subject = @subject');
      params['subject'] = filter.subject;
    }
    if (filter.clientId !== undefined) {
      where.push('client_id = @clientId');
      params['clientId'] = filter.clientId;
    }
    if (filter.activeAt !== undefined) {
      where.push('revoked_at IS NULL AND refresh_expires_at > @now');
      params['now'] = filter.activeAt;
    }
    if (filter.after !== undefined) {
      where.push('(issued_at < @afterIssued OR (issued_at = @afterIssued AND grant_id < @afterId))');
      params['afterIssued'] = filter.after[0];
      params['afterId'] = filter.after[1];
    }
    const sql = `SELECT * FROM grants ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC, grant_id DESC LIMIT @limit`;
    return (this.readModels.db.prepare(sql).all(params) as GrantRow[]).map(toRecord);
  }
}

function toRecord(row: GrantRow): GrantRecord {
  return {
    grantId: row.grant_id,
    clientId: row.client_id,
    subject: row.subject,
    login: row.login,
    scope: JSON.parse(row.scope) as string[],
    resources: JSON.parse(row.resources) as string[],
    issuedAt: row.issued_at,
    lastUsedAt: row.last_used_at,
    refreshExpiresAt: row.refresh_expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}
