import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { SigningKeysOutcome } from './signing-keys.writer.js';

/**
 * Bring the signing keys in line with the rotation policy now: initial keys on first start,
 * activations whose pre-publication delay passed, scheduled rotations. Idempotent.
 */
export class EnsureSigningKeysCommand extends Command<SigningKeysOutcome> {
  constructor(readonly context: CommandContext) {
    super();
  }
}
