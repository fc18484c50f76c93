import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { ACCOUNT_SIGNED_IN, type AccountSignedIn, accountStream } from '../domain/account.events.js';
import { accountEvolver, type LiveAccount } from '../domain/account.evolver.js';
import type { AccountView } from '../read-model/account-view.js';
import { LoginTrail } from './login-trail.js';
import { ACCOUNT_FAILURE_LIMIT, ADDRESS_FAILURE_LIMIT, FailureWindow } from './sign-in-rate-limiter.js';
import type { SignInAttempt, SignInFailure, SignInOutcome } from './sign-in-outcome.js';

/** What a credential check decided about the account as loaded. */
export type SignInDecision =
  | { fail: SignInFailure; detail?: string }
  | { signedIn: Pick<AccountSignedIn, 'totpStep' | 'credentialId' | 'counter' | 'challenge'> };

/** Loads after a concurrent append before giving up (each sign-in or admin change is one append). */
const MAX_ROUNDS = 3;

/**
 * The bookkeeping around a credential check: rate limits (per account, per address), the login
 * trail, and the commit. Only failed guesses count against the limits: a missing second factor
 * or a disabled account (which took the right password to learn) do not.
 */
@Injectable()
export class SignInAttempts {
  private readonly byAccount = new FailureWindow(ACCOUNT_FAILURE_LIMIT);
  private readonly byAddress = new FailureWindow(ADDRESS_FAILURE_LIMIT);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly trail: LoginTrail,
    private readonly clock: Clock,
  ) {}

  addressLimited(attempt: SignInAttempt, method: 'password' | 'passkey'): Promise<SignInOutcome> | null {
    const wait = this.byAddress.retryAfterSeconds(attempt.ip, this.clock.now());
    return wait === 0 ? null : this.limited(null, method, attempt, wait);
  }

  accountLimited(accountId: string, method: 'password' | 'passkey', attempt: SignInAttempt): Promise<SignInOutcome> | null {
    const wait = this.byAccount.retryAfterSeconds(accountId, this.clock.now());
    return wait === 0 ? null : this.limited(accountId, method, attempt, wait);
  }

  /** A failed guess: counted against the address (and the account, when one was named), and recorded. */
  async fail(accountId: string | null, method: 'password' | 'passkey', reason: SignInFailure, attempt: SignInAttempt, detail?: string): Promise<SignInOutcome> {
    const now = this.clock.now();
    this.byAddress.record(attempt.ip, now);
    if (accountId !== null) this.byAccount.record(accountId, now);
    await this.trail.failed({ accountId, method, reason: detail ?? reason, ip: attempt.ip, correlationId: attempt.correlationId });
    return { ok: false, reason };
  }

  /**
   * Decides on the account as its stream says and, on success, appends AccountSignedIn at the
   * revision decided on. This is the single-use gate of TOTP steps and WebAuthn challenges and
   * the forward-only gate of passkey counters: a concurrent sign-in makes the append fail, and
   * the decision is made again on the state that includes it.
   */
  async commit(view: AccountView, method: 'password' | 'passkey', attempt: SignInAttempt, decide: (account: LiveAccount) => Promise<SignInDecision>): Promise<SignInOutcome> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { state, revision } = await loadAggregate(this.store, accountStream(view.accountId), accountEvolver);
      if (state.status !== 'active' || revision === undefined) return this.fail(null, method, 'invalid_credentials', attempt, 'unknown_account');
      const decision = await decide(state);
      if ('fail' in decision) return this.refused(state, method, attempt, decision);
      const at = this.clock.now();
      const data: AccountSignedIn = { method, ...decision.signedIn, at };
      try {
        await appendDecision(this.store, accountStream(view.accountId), { revision }, [{ type: ACCOUNT_SIGNED_IN, data }], { actor: view.subject, correlationId: attempt.correlationId, ip: attempt.ip });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) continue;
        throw error;
      }
      this.byAccount.clear(view.accountId);
      await this.trail.succeeded({ subject: view.subject, method, ip: attempt.ip, correlationId: attempt.correlationId, ...(attempt.clientId ? { clientId: attempt.clientId } : {}) });
      return { ok: true, method, account: { ...view, disabled: false, lastSignInAt: at } };
    }
    return { ok: false, reason: 'invalid_credentials' };
  }

  private async refused(account: LiveAccount, method: 'password' | 'passkey', attempt: SignInAttempt, decision: { fail: SignInFailure; detail?: string }): Promise<SignInOutcome> {
    if (decision.fail === 'second_factor_required') return { ok: false, reason: 'second_factor_required' };
    if (decision.fail === 'disabled') {
      await this.trail.failed({ accountId: account.accountId, method, reason: 'disabled', ip: attempt.ip, correlationId: attempt.correlationId });
      return { ok: false, reason: 'disabled' };
    }
    return this.fail(account.accountId, method, decision.fail, attempt, decision.detail);
  }

  private async limited(accountId: string | null, method: 'password' | 'passkey', attempt: SignInAttempt, wait: number): Promise<SignInOutcome> {
    await this.trail.failed({ accountId, method, reason: 'rate_limited', ip: attempt.ip, correlationId: attempt.correlationId });
    return { ok: false, reason: 'rate_limited', retryAfterSeconds: wait };
  }
}
