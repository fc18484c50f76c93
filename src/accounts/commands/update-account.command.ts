import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AccountCommandResult } from './account-stream.js';

/** The fields an update may change; the login cannot be changed (it is the name relying parties know). */
export interface AccountChanges {
  name?: string;
  email?: string | null;
  emailVerified?: boolean;
  groups?: string[];
  admin?: boolean;
}

/** Changes an account's profile; `expectedRevision` is the ETag the caller saw (If-Match), if any. */
export class UpdateAccountCommand extends Command<AccountCommandResult> {
  constructor(
    readonly accountId: string,
    readonly changes: AccountChanges,
    readonly expectedRevision: bigint | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}
