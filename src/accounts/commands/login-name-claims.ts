import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { appendDecision, type CommandContext, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ACCOUNT_CREATION_VOIDED, LOGIN_NAME_CLAIMED, LOGIN_NAME_RELEASED, accountStream, loginNameStream } from '../domain/account.events.js';
import { AccountLoginTakenError } from '../domain/account.errors.js';
import { accountEvolver } from '../domain/account.evolver.js';
import { loginNameEvolver } from '../domain/login-name.evolver.js';
import { normaliseLogin } from '../domain/login-name.js';

/** Rounds of load-and-append before giving up on a name many are racing for. */
const MAX_ATTEMPTS = 5;

/**
 * Who holds which login name (`login-name-<ref>`, ref = keyed digest of the normalised login, so
 * no stream name holds a login).
 *
 * Invariant: at most one live account holds a name. Creating an account claims the name first
 * (LoginNameClaimed at the stream's revision) and then appends AccountCreated with `no_stream`.
 * A claim whose account does not exist (its creation crashed between the two appends, or is
 * in flight right now) is taken over only after AccountCreationVoided was appended to that
 * account's stream with `no_stream`: either the void lands first and that AccountCreated can
 * never be written, or the account exists and the name is taken. Either way one wins.
 */
@Injectable()
export class LoginNameClaims {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  /** The ref of `login` (its normalised form, MAC'd under the server pepper). */
  refOf(login: string): string {
    return this.hasher.mac('login name', normaliseLogin(login));
  }

  /** Claims `login` for `accountId` (not created yet); throws AccountLoginTakenError. */
  async claim(login: string, accountId: string, context: CommandContext): Promise<string> {
    const ref = this.refOf(login);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, revision } = await loadAggregate(this.store, loginNameStream(ref), loginNameEvolver);
      if (state.holder !== null && state.holder !== accountId && !(await this.holderIsGone(state.holder, ref, context))) {
        throw new AccountLoginTakenError(login);
      }
      try {
        await appendDecision(this.store, loginNameStream(ref), { revision }, [{ type: LOGIN_NAME_CLAIMED, data: { accountId } }], context);
        return ref;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    throw new AccountLoginTakenError(login);
  }

  /** Releases the name `ref` held by `accountId` (deleted). Best effort: a deleted holder counts as gone anyway. */
  async release(ref: string, accountId: string, context: CommandContext): Promise<void> {
    const { state, revision } = await loadAggregate(this.store, loginNameStream(ref), loginNameEvolver);
    if (state.holder !== accountId) return;
    try {
      await appendDecision(this.store, loginNameStream(ref), { revision }, [{ type: LOGIN_NAME_RELEASED, data: { accountId } }], context);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }

  /** Whether the holder's account is deleted, voided, or was never created (and now never will be). */
  private async holderIsGone(holder: string, ref: string, context: CommandContext): Promise<boolean> {
    const { state } = await loadAggregate(this.store, accountStream(holder), accountEvolver);
    if (state.status === 'deleted' || state.status === 'voided') return true;
    if (state.status === 'active') return false;
    try {
      // Gate: no_stream, so this and the holder's AccountCreated cannot both be written.
      await appendDecision(this.store, accountStream(holder), { revision: undefined }, [{ type: ACCOUNT_CREATION_VOIDED, data: { loginRef: ref } }], context);
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      return this.holderIsGone(holder, ref, context);
    }
  }
}
