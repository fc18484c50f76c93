import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';
import type { SessionMethod } from '../domain/session.events.js';

export interface StartedSession {
  sessionId: string;
  /** The cookie's secret, returned once; only its HMAC is stored. */
  secret: string;
  position: Position;
}

/** How a session's sign-in happened (see SessionStarted); `network` when not given. */
export interface SessionSignIn {
  method: SessionMethod;
  identity?: RecordedIdentity;
}

/** Starts a browser session for `subject`, with a fresh random id and secret. */
export class StartSessionCommand extends Command<StartedSession> {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
    readonly signIn: SessionSignIn = { method: 'network' },
  ) {
    super();
  }
}
