import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { AggregateCache } from '../../common/event-sourcing/aggregate-cache.js';
import type { LoadedAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { grantStream } from '../domain/grant.events.js';
import { type GrantState, grantEvolver } from '../domain/grant.evolver.js';

/**
 * Grants used recently, each its claims and its rotated-away digests (about 1 KB, more for a grant
 * refreshed many times). A tailnet's active grants fit; a grant pushed out is read whole once.
 */
const CACHED_GRANTS = 1_000;

/**
 * A grant as its own stream says now: read-your-writes on every replica (a revocation appended a
 * moment ago is seen here even before the revoked-grants projection applies it). Grants are kept
 * once loaded, so a load reads only what was appended since (a refresh rotates the token of a
 * grant that may have rotated thousands of times; userinfo reads the claims of a grant just used).
 */
@Injectable()
export class GrantLookup {
  private readonly cache = new AggregateCache(grantEvolver, CACHED_GRANTS);

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The grant and the revision to append at, for a command. */
  load(grantId: string): Promise<LoadedAggregate<GrantState>> {
    return this.cache.load(this.store, grantStream(grantId));
  }

  async state(grantId: string): Promise<GrantState> {
    return (await this.load(grantId)).state;
  }
}
