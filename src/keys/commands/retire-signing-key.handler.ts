import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RetireSigningKeyCommand } from './retire-signing-key.command.js';
import { type SigningKeysOutcome, SigningKeysWriter } from './signing-keys.writer.js';

@CommandHandler(RetireSigningKeyCommand)
export class RetireSigningKeyHandler implements ICommandHandler<RetireSigningKeyCommand> {
  constructor(private readonly writer: SigningKeysWriter) {}

  execute(command: RetireSigningKeyCommand): Promise<SigningKeysOutcome> {
    return this.writer.retire(command.request, command.context);
  }
}
