import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ReadModelDatabase } from '#projections';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';

/**
 * The ids of revoked grants, in memory: the hot-path check of userinfo and introspection.
 *
 * Consistency: loaded from `revoked_grants` at start (committed with the projection's
 * checkpoint); afterwards the projection adds each id as it writes its row. A rolled-back batch
 * can leave an id here one event early, never missing one the table has; a revocation is
 * permanent, so being early is harmless. Another replica's revocation arrives with this
 * projection's lag; /revoke waits for its own position before answering.
 */
@Injectable()
export class RevokedGrants implements OnModuleInit {
  private readonly ids = new Set<string>();

  constructor(@Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase) {}

  onModuleInit(): void {
    this.ids.clear();
    const rows = this.readModels.db.prepare('SELECT grant_id FROM revoked_grants').all() as Array<{ grant_id: string }>;
    for (const row of rows) this.ids.add(row.grant_id);
  }

  has(grantId: string): boolean {
    return this.ids.has(grantId);
  }

  /** For the revoked-grants projection only. */
  add(grantId: string): void {
    this.ids.add(grantId);
  }
}
