import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { type PasskeyCredential } from '../credentials/passkey-credential.js';
import { PasskeyRelyingParty, type RegistrationRequest } from '../credentials/passkey-relying-party.js';
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from '../credentials/password-hash.js';
import { matchTotp } from '../credentials/totp.js';
import { type TotpEnrolment, TotpSecrets } from '../credentials/totp-enrolments.js';
import { accountStream } from '../domain/account.events.js';
import { PasskeyRejectedError } from '../domain/account.errors.js';
import { accountEvolver, type LiveAccount } from '../domain/account.evolver.js';
import { AccountDirectory } from '../read-model/account-directory.js';
import type { AccountView } from '../read-model/account-view.js';
import { SignInAttempts } from './sign-in-attempts.js';
import type { SignInAttempt, SignInOutcome } from './sign-in-outcome.js';

/**
 * Sign-in of local accounts, for the login pages. Credentials are checked against the account's
 * stream (never the read model alone), and success is AccountSignedIn appended at the revision
 * they were checked at (SignInAttempts.commit): a TOTP step or a WebAuthn challenge is used once,
 * and a passkey's counter only moves forward, across processes.
 */
@Injectable()
export class AccountSignIn {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: AccountDirectory,
    private readonly passkeys: PasskeyRelyingParty,
    private readonly totp: TotpSecrets,
    private readonly attempts: SignInAttempts,
    private readonly clock: Clock,
  ) {}

  async password(login: string, password: string, totpCode: string | undefined, attempt: SignInAttempt): Promise<SignInOutcome> {
    const limited = this.attempts.addressLimited(attempt, 'password');
    if (limited !== null) return limited;
    const wellFormed = typeof login === 'string' && typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH * 4;
    const view = wellFormed ? await this.directory.byLogin(login) : null;
    if (view === null) {
      await verifyPassword(wellFormed ? password : '', await dummyPasswordHash()); // same cost as a known login
      return this.attempts.fail(null, 'password', 'invalid_credentials', attempt);
    }
    const accountLimited = this.attempts.accountLimited(view.accountId, 'password', attempt);
    if (accountLimited !== null) return accountLimited;
    let verifiedHash: string | null = null;
    return this.attempts.commit(view, 'password', attempt, async (account) => {
      if (account.passwordHash !== verifiedHash) {
        if (!(await verifyPassword(password, account.passwordHash ?? (await dummyPasswordHash()))) || account.passwordHash === null) return { fail: 'invalid_credentials' };
        verifiedHash = account.passwordHash;
      }
      if (account.disabled) return { fail: 'disabled' };
      if (account.totpSecret === null) return { signedIn: {} };
      if (typeof totpCode !== 'string' || totpCode.trim() === '') return { fail: 'second_factor_required' };
      const step = matchTotp(this.totp.open(account.totpSecret, account.accountId), totpCode, this.clock.now(), account.lastTotpStep);
      return step === null ? { fail: 'invalid_credentials', detail: 'invalid_totp' } : { signedIn: { totpStep: step } };
    });
  }

  passkeyOptions() {
    return this.passkeys.authenticationOptions();
  }

  async passkey(response: unknown, challengeToken: unknown, attempt: SignInAttempt): Promise<SignInOutcome> {
    const limited = this.attempts.addressLimited(attempt, 'passkey');
    if (limited !== null) return limited;
    const challenge = this.passkeys.openAuthenticationChallenge(challengeToken);
    const credentialId = this.passkeys.credentialIdOf(response);
    const view = challenge === null || credentialId === null ? null : await this.directory.byCredentialId(credentialId);
    if (view === null || challenge === null) return this.attempts.fail(null, 'passkey', 'invalid_credentials', attempt, challenge === null ? 'invalid_challenge' : 'unknown_passkey');
    const accountLimited = this.attempts.accountLimited(view.accountId, 'passkey', attempt);
    if (accountLimited !== null) return accountLimited;
    const used = this.passkeys.usedDigest(challenge);
    return this.attempts.commit(view, 'passkey', attempt, async (account) => {
      const passkey = account.passkeys.find((p) => p.credentialId === credentialId);
      if (passkey === undefined) return { fail: 'invalid_credentials', detail: 'unknown_passkey' };
      if (account.usedChallenges.includes(used)) return { fail: 'invalid_credentials', detail: 'replayed_challenge' };
      try {
        const verified = await this.passkeys.verifyAssertion(response, challenge, passkey);
        if (account.disabled) return { fail: 'disabled' };
        return { signedIn: { credentialId: verified.credentialId, counter: verified.newCounter, challenge: used } };
      } catch (error) {
        if (error instanceof PasskeyRejectedError) return { fail: 'invalid_credentials', detail: 'passkey_rejected' };
        throw error;
      }
    });
  }

  passkeyRegistrationOptions(request: RegistrationRequest) {
    return this.passkeys.registrationOptions(request);
  }

  /** The credential a registration answer creates; throws PasskeyRejectedError. */
  verifyPasskeyRegistration(response: unknown, challengeToken: unknown, name: string): Promise<PasskeyCredential> {
    return this.passkeys.verifyRegistration(response, challengeToken, name);
  }

  totpEnrolment(account: Pick<AccountView, 'accountId' | 'login'>): TotpEnrolment {
    return this.totp.enrolment(account);
  }

  /** The account's state in the log now (for pages that must not trust the read model). */
  async current(accountId: string): Promise<LiveAccount | null> {
    const { state } = await loadAggregate(this.store, accountStream(accountId), accountEvolver);
    return state.status === 'active' ? state : null;
  }
}
