import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { grantStream } from '../domain/grant.events.js';
import { type GrantState, grantEvolver } from '../domain/grant.evolver.js';

/**
 * A grant as its own stream says now: read-your-writes on every replica (a revocation appended a
 * moment ago is seen here even before the revoked-grants projection applies it). One short
 * stream read; used where the grant's claims are needed anyway (userinfo) or off the hot path.
 */
@Injectable()
export class GrantLookup {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(grantId: string): Promise<GrantState> {
    return (await loadAggregate(this.store, grantStream(grantId), grantEvolver)).state;
  }
}
