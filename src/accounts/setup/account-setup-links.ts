import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { ACCOUNTS_BOOTSTRAP_STREAM, accountStream } from '../domain/account.events.js';
import { accountEvolver } from '../domain/account.evolver.js';
import { bootstrapEvolver } from '../domain/bootstrap.evolver.js';
import { parseSetupToken } from '../domain/setup-link-token.js';
import type { AccountView } from '../read-model/account-view.js';
import { viewOfAccount } from '../read-model/view-of-account.js';
import { isCurrentSetupLink, isOpenBootstrapLink } from './setup-link-checks.js';

export type OpenedSetupLink = { kind: 'bootstrap' } | { kind: 'account'; account: AccountView } | null;

/**
 * What a setup link opens, for the /setup page: checked against the log (not the read model),
 * so a link just issued works at once and a link just used does not. Opening uses nothing up:
 * the Complete... commands are the single-use gates.
 */
@Injectable()
export class AccountSetupLinks {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async open(token: unknown): Promise<OpenedSetupLink> {
    const parsed = parseSetupToken(token);
    if (parsed === null) return null;
    const now = this.clock.now();
    if (parsed.kind === 'bootstrap') {
      const { state } = await loadAggregate(this.store, ACCOUNTS_BOOTSTRAP_STREAM, bootstrapEvolver);
      return isOpenBootstrapLink(state, parsed.token, this.hasher, now) ? { kind: 'bootstrap' } : null;
    }
    const { state, revision } = await loadAggregate(this.store, accountStream(parsed.accountId), accountEvolver);
    if (state.status !== 'active' || revision === undefined || !isCurrentSetupLink(state, parsed.token, this.hasher, now)) return null;
    return { kind: 'account', account: viewOfAccount(state, revision) };
  }
}
