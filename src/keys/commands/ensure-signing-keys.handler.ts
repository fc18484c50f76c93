import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EnsureSigningKeysCommand } from './ensure-signing-keys.command.js';
import { type SigningKeysOutcome, SigningKeysWriter } from './signing-keys.writer.js';

@CommandHandler(EnsureSigningKeysCommand)
export class EnsureSigningKeysHandler implements ICommandHandler<EnsureSigningKeysCommand> {
  constructor(private readonly writer: SigningKeysWriter) {}

  execute(command: EnsureSigningKeysCommand): Promise<SigningKeysOutcome> {
    return this.writer.decide(command.context);
  }
}
