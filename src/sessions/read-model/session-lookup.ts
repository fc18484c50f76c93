import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { sessionStream } from '../domain/session.events.js';
import { type SessionState, sessionEvolver } from '../domain/session.evolver.js';

/**
 * A session as its own stream says now: one short read, read-your-writes on every replica, so a
 * logout on one replica is seen by the next /authorize on any other at once. Browser sessions
 * are consulted once per sign-in, not per token, so no read model is needed.
 */
@Injectable()
export class SessionLookup {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(sessionId: string): Promise<SessionState> {
    return (await loadAggregate(this.store, sessionStream(sessionId), sessionEvolver)).state;
  }
}
