import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { RetirementRequest } from '../domain/key-retirement.js';
import type { SigningKeysOutcome } from './signing-keys.writer.js';

/**
 * Take one key out of service now (see `retirementEvents`): an active key hands over to its
 * successor at once; with `unpublishNow` it also leaves JWKS, ending every token it signed.
 */
export class RetireSigningKeyCommand extends Command<SigningKeysOutcome> {
  constructor(
    readonly request: RetirementRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}
