import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface StartedSession {
  sessionId: string;
  /** The cookie's secret, returned once; only its HMAC is stored. */
  secret: string;
  position: Position;
}

/** Starts a browser session for `subject`, with a fresh random id and secret. */
export class StartSessionCommand extends Command<StartedSession> {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
