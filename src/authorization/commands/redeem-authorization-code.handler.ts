import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision, commandMetadata, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { newGrantId } from '../../common/ids.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { AuthorizationCodeRejectedError } from '../domain/authorization-code.errors.js';
import {
  AUTHORIZATION_CODE_REDEEMED,
  AUTHORIZATION_CODE_REUSE_DETECTED,
  authorizationCodeStream,
} from '../domain/authorization-code.events.js';
import { authorizationCodeEvolver } from '../domain/authorization-code.evolver.js';
import { checkRedemption } from '../domain/check-redemption.js';
import { RedeemAuthorizationCodeCommand, type RedeemedAuthorizationCode } from './redeem-authorization-code.command.js';

@CommandHandler(RedeemAuthorizationCodeCommand)
export class RedeemAuthorizationCodeHandler implements ICommandHandler<RedeemAuthorizationCodeCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  /**
   * The single-use gate: `AuthorizationCodeRedeemed` is appended at the revision of the lone
   * `Issued` event, so of any number of concurrent redemptions, in one process or many, exactly
   * one is written; every other one, and any later one, is a replay.
   */
  async execute(command: RedeemAuthorizationCodeCommand): Promise<RedeemedAuthorizationCode> {
    const stream = authorizationCodeStream(this.hasher.digest(command.code));
    const loaded = await loadAggregate(this.store, stream, authorizationCodeEvolver);
    const issued = checkRedemption(loaded.state, command, this.clock.now());
    if (loaded.state.redeemed) return this.replayed(stream, loaded.state.redeemed.grantId, command);
    const grantId = newGrantId();
    try {
      const redeemed = { type: AUTHORIZATION_CODE_REDEEMED, data: { grantId, clientId: command.clientId } };
      const { position } = await appendDecision(this.store, stream, loaded, [redeemed], command.context);
      return { grantId, issued, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const winner = (await loadAggregate(this.store, stream, authorizationCodeEvolver)).state.redeemed;
      return this.replayed(stream, winner?.grantId ?? grantId, command);
    }
  }

  /** RFC 6749 §4.1.2: refuse, and record the replay so that the first grant gets revoked. */
  private async replayed(stream: string, grantId: string, command: RedeemAuthorizationCodeCommand): Promise<never> {
    const data = { grantId, clientId: command.clientId };
    const metadata = commandMetadata(command.context);
    await this.store.append(stream, [{ type: AUTHORIZATION_CODE_REUSE_DETECTED, data, metadata }], 'any');
    throw new AuthorizationCodeRejectedError('already_redeemed', grantId);
  }
}
