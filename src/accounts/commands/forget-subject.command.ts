import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { Erasure } from '../../storage/personal-data/personal-data-keys.js';

/** Crypto-shred a subject's personal data: destroy the key it is sealed under. */
export class ForgetSubjectCommand {
  constructor(
    readonly subject: string,
    readonly context: CommandContext,
  ) {}
}

/** Null `erasure`: nothing of the subject was sealed under a key still alive. */
export interface ForgetSubjectResult {
  erasure: Erasure | null;
}
