import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SESSION_ENDED, type SessionEnded, sessionStream } from '../domain/session.events.js';
import { isLive, sessionEvolver } from '../domain/session.evolver.js';
import { EndSessionCommand } from './end-session.command.js';

@CommandHandler(EndSessionCommand)
export class EndSessionHandler implements ICommandHandler<EndSessionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends SessionEnded at the loaded revision, so of two concurrent ends (two tabs, two
   * replicas) one is written; the other reloads, finds the session ended, and writes nothing.
   */
  async execute({ sessionId, reason, context }: EndSessionCommand) {
    const stream = sessionStream(sessionId);
    for (let attempt = 0; ; attempt++) {
      const loaded = await loadAggregate(this.store, stream, sessionEvolver);
      if (!isLive(loaded.state)) return { ended: false, position: null };
      const data: SessionEnded = { reason, endedAt: this.clock.now() };
      try {
        const { position } = await appendDecision(this.store, stream, loaded, [{ type: SESSION_ENDED, data }], context);
        return { ended: true, position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
      }
    }
  }
}
