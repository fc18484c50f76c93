import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import { Clock } from '../../common/clock.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { decodeCursor, encodeCursor } from '../../common/page-cursor.js';
import { RevokeGrantCommand } from '../../tokens/commands/revoke-grant.command.js';
import type { GrantRevocationReason } from '../../tokens/domain/grant.events.js';
import { GrantDirectory } from '../../tokens/read-model/grant-directory.js';
import { GrantLookup } from '../../tokens/read-model/grant-lookup.js';
import { AdminApiError, type GrantQuery, type GrantView, type Page, type RevokedGrants } from '../api/admin-api.js';
import { pageSize } from './clients-admin.js';
import { ReadYourWrites } from './read-your-writes.js';
import { grantView } from './views.js';

/** What a grant id may be: the rest of a stream name `grant-<id>` (printable ASCII, no space, at most 200 in all). */
const GRANT_ID = /^[!-~]{1,194}$/;

const GRANT_PROJECTIONS = ['grants', 'revoked-grants'] as const;

/** Grant administration: who holds what, and revoking it (with every token issued under it). */
@Injectable()
export class GrantsAdmin {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: GrantDirectory,
    private readonly grants: GrantLookup,
    private readonly settled: ReadYourWrites,
    private readonly clock: Clock,
  ) {}

  list(query: GrantQuery): Page<GrantView> {
    const limit = pageSize(query.limit);
    let after: readonly [string, string] | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, 2);
      if (key === null) throw new AdminApiError('invalid_request', 'cursor is not one this server gave', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
      after = [key[0]!, key[1]!];
    }
    const rows = this.directory.list({
      ...(query.subject !== undefined ? { subject: query.subject } : {}),
      ...(query.client_id !== undefined ? { clientId: query.client_id } : {}),
      ...(query.active === true ? { activeAt: new Date(this.clock.now()).toISOString() } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(grantView), next_cursor: rows.length > limit && last ? encodeCursor([last.issuedAt, last.grantId]) : null };
  }

  /**
   * Revokes one grant, decided on its own stream (never on the read model, which may lag).
   * Revoking a revoked grant changes nothing and answers as for the first time.
   */
  async revoke(grantId: string, context: CommandContext): Promise<GrantView> {
    const unknown = () => new AdminApiError('not_found', `unknown grant ${JSON.stringify(grantId.slice(0, 100))}`);
    // An id that cannot be part of a stream name names no grant (and the store would refuse to read it).
    if (!GRANT_ID.test(grantId)) throw unknown();
    const { issued } = await this.grants.state(grantId);
    if (issued === null) throw unknown();
    const { position } = await this.commands.execute(new RevokeGrantCommand(grantId, 'administrator', undefined, context));
    await this.settled.settle(position, GRANT_PROJECTIONS);
    const record = this.directory.find(grantId);
    if (record === undefined) throw new AdminApiError('temporarily_unavailable', `grant ${grantId} was revoked; the grants view has not caught up yet`);
    return grantView(record);
  }

  /**
   * Revokes every active grant of `subject` ("sign out everywhere"), one command per grant (a
   * command touches one stream). The grants are found in the read model, so one issued while
   * this runs, or not yet projected, may be missed: the answer lists exactly what was revoked.
   */
  async revokeAllOf(subject: string, context: CommandContext, reason: GrantRevocationReason = 'administrator'): Promise<RevokedGrants> {
    const revoked: string[] = [];
    let last: Position | null = null;
    let after: readonly [string, string] | undefined;
    for (;;) {
      const now = new Date(this.clock.now()).toISOString();
      const rows = this.directory.list({ subject, activeAt: now, limit: 200, ...(after !== undefined ? { after } : {}) });
      for (const row of rows) {
        const result = await this.commands.execute(new RevokeGrantCommand(row.grantId, reason, undefined, context));
        if (result.revoked) {
          revoked.push(row.grantId);
          last = result.position;
        }
      }
      if (rows.length < 200) break;
      after = [rows.at(-1)!.issuedAt, rows.at(-1)!.grantId];
    }
    await this.settled.settle(last, GRANT_PROJECTIONS);
    return { revoked };
  }
}
