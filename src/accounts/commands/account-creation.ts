import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, type CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { randomId } from '../../common/ids.js';
import { ACCOUNT_CREATED, ACCOUNT_CREATION_VOIDED, type AccountCreated, accountStream, accountSubject } from '../domain/account.events.js';
import { AccountLoginTakenError, InvalidAccountInputError } from '../domain/account.errors.js';
import { validEmail, validFlag, validGroups, validName } from '../domain/account-input.js';
import { loginRuleViolation } from '../domain/login-name.js';
import type { AccountCommandResult, AccountEvent } from './account-stream.js';
import { LoginNameClaims } from './login-name-claims.js';

/** What an account is created with. */
export interface NewAccountInput {
  login: string;
  name: string;
  email?: string | null;
  emailVerified?: boolean;
  groups?: string[];
  admin?: boolean;
}

export interface CreatedAccount extends AccountCommandResult {
  subject: string;
}

/** An account about to be created: validated, its id drawn, its login claimed. */
export interface ClaimedAccount {
  accountId: string;
  created: AccountCreated;
}

/**
 * Creates accounts in two steps, so that a caller can put its own gate between them (bootstrap):
 * `claim` validates and claims the login for a fresh random id; `commit` writes AccountCreated
 * (and any first credentials) with `no_stream`. A commit that finds the stream voided by a racing
 * creation means the name went to that one (see LoginNameClaims); `abandon` frees a claim at once.
 */
@Injectable()
export class AccountCreator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly claims: LoginNameClaims,
    private readonly clock: Clock,
  ) {}

  async claim(input: NewAccountInput, context: CommandContext): Promise<ClaimedAccount> {
    const created = this.validate(input);
    created.loginRef = await this.claims.claim(created.login, created.accountId, context);
    return { accountId: created.accountId, created };
  }

  async commit(claimed: ClaimedAccount, credentials: readonly AccountEvent[], context: CommandContext): Promise<CreatedAccount> {
    const { accountId, created } = claimed;
    try {
      const events = [{ type: ACCOUNT_CREATED, data: created }, ...credentials];
      const result = await appendDecision(this.store, accountStream(accountId), { revision: undefined }, events, context);
      return { accountId, subject: accountSubject(accountId), revision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new AccountLoginTakenError(created.login);
      throw error;
    }
  }

  /** Makes sure a claimed account is never created, so its name is free for the next one. */
  async abandon(claimed: ClaimedAccount, context: CommandContext): Promise<void> {
    const voided = [{ type: ACCOUNT_CREATION_VOIDED, data: { loginRef: claimed.created.loginRef } }];
    await appendDecision(this.store, accountStream(claimed.accountId), { revision: undefined }, voided, context).catch(() => undefined);
  }

  private validate(input: NewAccountInput): AccountCreated {
    if (typeof input.login !== 'string') throw new InvalidAccountInputError('login', 'is required');
    const violation = loginRuleViolation(input.login);
    if (violation !== null) throw new InvalidAccountInputError('login', violation);
    return {
      accountId: randomId(16),
      login: input.login.normalize('NFKC'),
      name: validName(input.name),
      email: validEmail(input.email),
      emailVerified: validFlag('emailVerified', input.emailVerified, false),
      groups: validGroups(input.groups),
      admin: validFlag('admin', input.admin, false),
      createdAt: this.clock.now(),
      loginRef: '',
    };
  }
}
