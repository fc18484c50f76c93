import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountCreator, type CreatedAccount } from './account-creation.js';
import { CreateAccountCommand } from './create-account.command.js';

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand> {
  constructor(private readonly creator: AccountCreator) {}

  async execute({ input, context }: CreateAccountCommand): Promise<CreatedAccount> {
    const claimed = await this.creator.claim(input, context);
    return this.creator.commit(claimed, [], context);
  }
}
