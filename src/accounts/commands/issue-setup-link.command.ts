import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface IssuedSetupLink {
  /** `<issuer>/setup?token=...`: shown once, never stored. */
  url: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  position: Position;
}

/** A one-time link (72 h) for the person to set their credentials; it replaces any earlier one. */
export class IssueSetupLinkCommand extends Command<IssuedSetupLink> {
  constructor(
    readonly accountId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
