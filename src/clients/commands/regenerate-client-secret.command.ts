import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ClientCommandResult } from './client-stream.js';

export interface RegenerateClientSecretResult extends ClientCommandResult {
  /** The new plaintext secret, returned this once and never stored. */
  clientSecret: string;
}

/**
 * Replaces a confidential client's secret. The old secret is invalid as soon as the rotation is
 * applied (at once on this replica after waitFor; there is no grace period with two secrets).
 */
export class RegenerateClientSecretCommand extends Command<RegenerateClientSecretResult> {
  constructor(
    readonly clientId: string,
    readonly context: CommandContext,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}
