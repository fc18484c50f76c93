import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../common/clock.js';
import { commandMetadata } from '../../common/event-sourcing/aggregate-stream.js';
import { PersonalDataKeys } from '../../storage/personal-data/personal-data-keys.js';
import { ForgetSubjectCommand, type ForgetSubjectResult } from './forget-subject.command.js';

/**
 * Records the erasure in `personal-erasure-<ref>` (at its revision: one erasure per key
 * generation) and deletes the key's stream. Running it again finishes an interrupted one.
 */
@CommandHandler(ForgetSubjectCommand)
export class ForgetSubjectHandler implements ICommandHandler<ForgetSubjectCommand> {
  constructor(
    private readonly keys: PersonalDataKeys,
    private readonly clock: Clock,
  ) {}

  async execute({ subject, context }: ForgetSubjectCommand): Promise<ForgetSubjectResult> {
    return { erasure: await this.keys.erase(subject, this.clock.now(), commandMetadata(context)) };
  }
}
