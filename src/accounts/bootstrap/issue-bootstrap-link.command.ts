import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface IssuedBootstrapLink {
  /** `<issuer>/setup?token=...`: printed once, never stored. */
  url: string;
  expiresAt: number;
}

/** A first-run link (24 h) that creates the first administrator; earlier ones stay valid until they expire. */
export class IssueBootstrapLinkCommand extends Command<IssuedBootstrapLink> {
  constructor(readonly context: CommandContext) {
    super();
  }
}
