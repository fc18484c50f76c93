import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RemovePasskeyCommand } from '../../accounts/commands/add-passkey.command.js';
import { CreateAccountCommand } from '../../accounts/commands/create-account.command.js';
import type { AccountCommandResult } from '../../accounts/commands/account-stream.js';
import { DeleteAccountCommand } from '../../accounts/commands/delete-account.command.js';
import { DisableAccountCommand, EnableAccountCommand } from '../../accounts/commands/disable-account.command.js';
import { RemoveTotpCommand } from '../../accounts/commands/enrol-totp.command.js';
import { IssueSetupLinkCommand } from '../../accounts/commands/issue-setup-link.command.js';
import { RemovePasswordCommand } from '../../accounts/commands/set-password.command.js';
import { UpdateAccountCommand } from '../../accounts/commands/update-account.command.js';
import { AccountDirectory } from '../../accounts/read-model/account-directory.js';
import type { AccountView } from '../../accounts/read-model/account-view.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { decodeCursor, encodeCursor } from '../../common/page-cursor.js';
import {
  type AccountChanges,
  type AccountQuery,
  type AccountSetupLink,
  type AdminAccount,
  AdminApiError,
  type CreatedAccount,
  type DeletedAccount,
  type NewAccount,
  type Page,
} from '../api/admin-api.js';
import { pageSize } from './clients-admin.js';
import { GrantsAdmin } from './grants-admin.js';
import { ReadYourWrites } from './read-your-writes.js';
import { accountView } from './account-views.js';

const ACCOUNTS_PROJECTIONS = ['accounts'] as const;
/** Longer than any account id or login name: such a reference cannot name an account. */
const MAX_REFERENCE = 256;

/**
 * Local account administration (issue G §2) on the accounts module's commands. An account is
 * named by its id or its login; either is looked up in the read model only to find the id, and
 * every decision is made by the command on the account's own stream.
 */
@Injectable()
export class AccountsAdmin {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: AccountDirectory,
    private readonly grants: GrantsAdmin,
    private readonly settled: ReadYourWrites,
  ) {}

  /** Keyset paging in the directory's order; the directory's own `next` key travels inside our cursor. */
  async list(query: AccountQuery): Promise<Page<AdminAccount>> {
    let after: string | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, 1);
      if (key === null) throw new AdminApiError('invalid_request', 'cursor is not one this server gave', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
      after = key[0]!;
    }
    const { items, next } = await this.directory.list({ limit: pageSize(query.limit), ...(after !== undefined ? { after } : {}) });
    return { items: items.map(accountView), next_cursor: next === null ? null : encodeCursor([next]) };
  }

  async get(reference: string): Promise<AdminAccount> {
    return accountView(await this.find(reference));
  }

  /** Creates the account, then its first setup link, so the answer holds what to hand to the person. */
  async create(input: NewAccount, context: CommandContext): Promise<CreatedAccount> {
    const profile = {
      login: input.login,
      name: input.name,
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.email_verified !== undefined ? { emailVerified: input.email_verified } : {}),
      ...(input.groups !== undefined ? { groups: input.groups } : {}),
      ...(input.admin !== undefined ? { admin: input.admin } : {}),
    };
    const { accountId } = await this.commands.execute(new CreateAccountCommand(profile, context));
    const { link, position } = await this.issue(accountId, context);
    await this.settled.settle(position, ACCOUNTS_PROJECTIONS);
    return { ...(await this.current(accountId)), setup_link: link };
  }

  async update(reference: string, changes: AccountChanges, expectedRevision: number, context: CommandContext): Promise<AdminAccount> {
    const { accountId } = await this.find(reference);
    const update = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(changes.email_verified !== undefined ? { emailVerified: changes.email_verified } : {}),
      ...(changes.groups !== undefined ? { groups: changes.groups } : {}),
      ...(changes.admin !== undefined ? { admin: changes.admin } : {}),
    };
    return this.written(accountId, await this.commands.execute(new UpdateAccountCommand(accountId, update, BigInt(expectedRevision), context)));
  }

  /**
   * Sign-in is refused from the disable on; the grants are revoked after it, so that tokens
   * already issued stop working now rather than at their next refresh.
   */
  async disable(reference: string, reason: string | undefined, context: CommandContext): Promise<AdminAccount> {
    const { accountId, subject } = await this.find(reference);
    const result: AccountCommandResult = await this.commands.execute(new DisableAccountCommand(accountId, reason ?? null, context));
    await this.grants.revokeAllOf(subject, context, 'administrator');
    return this.written(accountId, result);
  }

  async enable(reference: string, context: CommandContext): Promise<AdminAccount> {
    const { accountId } = await this.find(reference);
    return this.written(accountId, await this.commands.execute(new EnableAccountCommand(accountId, context)));
  }

  async setupLink(reference: string, context: CommandContext): Promise<AccountSetupLink> {
    const { accountId } = await this.find(reference);
    return (await this.issue(accountId, context)).link;
  }

  async removePasskey(reference: string, credentialId: string, context: CommandContext): Promise<AdminAccount> {
    const account = await this.find(reference);
    if (!account.passkeys.some((passkey) => passkey.credentialId === credentialId)) {
      throw new AdminApiError('not_found', `account ${account.login} has no passkey ${JSON.stringify(credentialId.slice(0, 100))}`);
    }
    return this.written(account.accountId, await this.commands.execute(new RemovePasskeyCommand(account.accountId, credentialId, context)));
  }

  async removePassword(reference: string, context: CommandContext): Promise<AdminAccount> {
    const account = await this.find(reference);
    if (!account.hasPassword) throw new AdminApiError('not_found', `account ${account.login} has no password`);
    return this.written(account.accountId, await this.commands.execute(new RemovePasswordCommand(account.accountId, context)));
  }

  async removeTotp(reference: string, context: CommandContext): Promise<AdminAccount> {
    const account = await this.find(reference);
    if (!account.hasTotp) throw new AdminApiError('not_found', `account ${account.login} has no TOTP authenticator`);
    return this.written(account.accountId, await this.commands.execute(new RemoveTotpCommand(account.accountId, context)));
  }

  /**
   * The account first, so it can sign in no more and its browser sessions recognise nobody;
   * then its grants. A grant issued in between is found too: revokeAllOf reads after the delete.
   */
  async remove(reference: string, context: CommandContext): Promise<DeletedAccount> {
    const { accountId, subject, login } = await this.find(reference);
    const result: AccountCommandResult = await this.commands.execute(new DeleteAccountCommand(accountId, context));
    await this.settled.settle(result.position, ACCOUNTS_PROJECTIONS);
    const { revoked } = await this.grants.revokeAllOf(subject, context, 'account_deleted');
    return { account_id: accountId, subject, login, deleted: true, grants_revoked: revoked };
  }

  /** By id first (exact and random), then by login name (compared case-insensitively). */
  private async find(reference: string): Promise<AccountView> {
    const account = reference.length > MAX_REFERENCE ? null : ((await this.directory.byId(reference)) ?? (await this.directory.byLogin(reference)));
    if (account === null || account === undefined) throw new AdminApiError('not_found', `unknown account ${JSON.stringify(reference.slice(0, 100))}`);
    return account;
  }

  private async issue(accountId: string, context: CommandContext) {
    const { url, expiresAt, position } = await this.commands.execute(new IssueSetupLinkCommand(accountId, context));
    return { link: { account_id: accountId, url, expires_at: new Date(expiresAt).toISOString() } satisfies AccountSetupLink, position };
  }

  private async written(accountId: string, result: AccountCommandResult): Promise<AdminAccount> {
    await this.settled.settle(result.position, ACCOUNTS_PROJECTIONS);
    return this.current(accountId);
  }

  /** The account once the read model has applied the write (ReadYourWrites waited for it). */
  private async current(accountId: string): Promise<AdminAccount> {
    const account = await this.directory.byId(accountId);
    if (account === null || account === undefined) throw new AdminApiError('temporarily_unavailable', `account ${accountId} was changed; the accounts view has not caught up yet`);
    return accountView(account);
  }
}
