import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ImportSigningKeyCommand } from './import-signing-key.command.js';
import { type SigningKeysOutcome, SigningKeysWriter } from './signing-keys.writer.js';

@CommandHandler(ImportSigningKeyCommand)
export class ImportSigningKeyHandler implements ICommandHandler<ImportSigningKeyCommand> {
  constructor(private readonly writer: SigningKeysWriter) {}

  execute(command: ImportSigningKeyCommand): Promise<SigningKeysOutcome> {
    return this.writer.importKey(command.key, command.context);
  }
}
