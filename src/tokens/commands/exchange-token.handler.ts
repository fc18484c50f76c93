import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { PolicyService } from '../../policy/policy.service.js';
import { TokenExchangeRefusedError } from '../domain/grant.errors.js';
import { grantStream, TOKEN_EXCHANGED, type TokenExchanged } from '../domain/grant.events.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { ExchangeTokenCommand, type ExchangedToken } from './exchange-token.command.js';

@CommandHandler(ExchangeTokenCommand)
export class ExchangeTokenHandler implements ICommandHandler<ExchangeTokenCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly grants: GrantLookup,
    private readonly policy: PolicyService,
  ) {}

  /**
   * Decides on the grant as its stream says now (a revocation a moment ago is seen) and appends at
   * that revision, so an exchange never lands after a revocation it did not see. The audience check
   * is tsidp's: the subject's rules as recorded on the grant, one rule supplying both user and
   * target. A client_credentials token has no recorded grant and no person, so no rules: refused.
   */
  async execute(command: ExchangeTokenCommand): Promise<ExchangedToken> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.grants.load(command.grantId);
      const { issued, identity, revoked } = loaded.state;
      if (revoked !== null) throw new TokenExchangeRefusedError('revoked');
      if (issued === null || identity === null || issued.subject !== command.subject) throw new TokenExchangeRefusedError('not_allowed');
      const audience = this.policy.allowedAudiences(identity, command.targets);
      if (audience.length === 0) throw new TokenExchangeRefusedError('not_allowed');
      const data: TokenExchanged = { ...command.exchange, audience };
      try {
        const { position } = await appendDecision(this.store, grantStream(command.grantId), loaded, [{ type: TOKEN_EXCHANGED, data }], command.context);
        return { audience, identity, position };
      } catch (error) {
        // Someone appended since the load (a refresh, a revocation): decide again on what they wrote.
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
      }
    }
  }
}
