import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeleteAccountCommand } from '../../accounts/commands/delete-account.command.js';
import { ForgetSubjectCommand, type ForgetSubjectResult } from '../../accounts/commands/forget-subject.command.js';
import { ACCOUNT_SUBJECT_PREFIX } from '../../accounts/domain/account.events.js';
import { AccountNotFoundError } from '../../accounts/domain/account.errors.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ForgottenSubject } from '../api/admin-api.js';
import { GrantsAdmin } from './grants-admin.js';
import { ReadYourWrites } from './read-your-writes.js';

/** What an administrator does to a person as a whole: forgetting them. */
@Injectable()
export class SubjectsAdmin {
  constructor(
    private readonly commands: CommandBus,
    private readonly grants: GrantsAdmin,
    private readonly settled: ReadYourWrites,
  ) {}

  /**
   * A local account goes first (its login is released and its sessions stop being anyone), then
   * the grants, so no token can be minted from their data while it is being destroyed; then the
   * key. The grants read model has dropped their login by the time this answers.
   */
  async forget(subject: string, context: CommandContext): Promise<ForgottenSubject> {
    if (subject.startsWith(ACCOUNT_SUBJECT_PREFIX)) {
      try {
        await this.commands.execute(new DeleteAccountCommand(subject.slice(ACCOUNT_SUBJECT_PREFIX.length), context));
      } catch (error) {
        // Already deleted (or never was): forgetting goes on, it is how an interrupted one is finished.
        if (!(error instanceof AccountNotFoundError)) throw error;
      }
    }
    const { revoked } = await this.grants.revokeAllOf(subject, context, 'subject_forgotten');
    const { erasure }: ForgetSubjectResult = await this.commands.execute(new ForgetSubjectCommand(subject, context));
    if (erasure !== null) await this.settled.settle(erasure.position, ['grants']);
    return {
      subject,
      erased: erasure !== null,
      key_id: erasure?.keyId ?? null,
      erased_at: erasure === null ? null : new Date(erasure.erasedAt).toISOString(),
      grants_revoked: revoked,
    };
  }
}
