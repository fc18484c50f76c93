import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { SESSION_STARTED, type SessionStarted, sessionStream } from '../domain/session.events.js';
import { newSessionId } from '../domain/session-id.js';
import { StartSessionCommand, type StartedSession } from './start-session.command.js';

@CommandHandler(StartSessionCommand)
export class StartSessionHandler implements ICommandHandler<StartSessionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  /** The stream is created with `no_stream`: a (vanishingly unlikely) id collision fails instead of merging two sessions. */
  async execute({ subject, context, signIn }: StartSessionCommand): Promise<StartedSession> {
    const sessionId = newSessionId();
    const secret = SecretHasher.generate();
    const data: SessionStarted = {
      subject,
      secretDigest: this.hasher.digest(secret),
      startedAt: this.clock.now(),
      method: signIn.method,
      ...(signIn.identity !== undefined ? { identity: signIn.identity } : {}),
    };
    const { position } = await appendDecision(this.store, sessionStream(sessionId), { revision: undefined }, [{ type: SESSION_STARTED, data }], context);
    return { sessionId, secret, position };
  }
}
