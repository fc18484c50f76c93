import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ImportedSigningKey } from '../domain/key-import.js';
import type { SigningKeysOutcome } from './signing-keys.writer.js';

/**
 * Take over another issuer's signing key (`meshid import-tsidp`): same kid, active at once, so
 * tokens keep the kid its relying parties cached; normal rotation replaces it later. Nothing is
 * appended if the same key is already there; another key under that kid is refused.
 */
export class ImportSigningKeyCommand extends Command<SigningKeysOutcome> {
  constructor(
    readonly key: ImportedSigningKey,
    readonly context: CommandContext,
  ) {
    super();
  }
}
