import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RotateSigningKeysCommand } from './rotate-signing-keys.command.js';
import { type SigningKeysOutcome, SigningKeysWriter } from './signing-keys.writer.js';

@CommandHandler(RotateSigningKeysCommand)
export class RotateSigningKeysHandler implements ICommandHandler<RotateSigningKeysCommand> {
  constructor(private readonly writer: SigningKeysWriter) {}

  execute(command: RotateSigningKeysCommand): Promise<SigningKeysOutcome> {
    return this.writer.decide(command.context, { algs: command.algs, immediate: command.immediate });
  }
}
