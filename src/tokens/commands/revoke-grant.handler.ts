import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { GRANT_REVOKED, type GrantRevoked, grantStream } from '../domain/grant.events.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { RevokeGrantCommand } from './revoke-grant.command.js';

@CommandHandler(RevokeGrantCommand)
export class RevokeGrantHandler implements ICommandHandler<RevokeGrantCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly grants: GrantLookup,
  ) {}

  /**
   * `revoked: false` for an unknown grant, another client's, or one already revoked.
   *
   * A replayed authorization code names a grant that may not be issued yet (the first redemption
   * appends Redeemed, then GrantIssued a moment later). Revoking it then writes GrantRevoked to
   * the stream first, at `no_stream`, and the first redemption's GrantIssued, also at `no_stream`,
   * is refused: no tokens come from a code that was replayed. Only that internal reason may
   * create a grant's stream, and a client revoking the access token of a client_credentials
   * grant, which was never recorded (see RevokeGrantCommand.presentedAccessToken); a client
   * revoking an unknown id changes nothing.
   */
  async execute({ grantId, reason, clientId, context, presentedAccessToken }: RevokeGrantCommand) {
    const stream = grantStream(grantId);
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.grants.load(grantId);
      const { issued, revoked } = loaded.state;
      const preempt = issued === null && revoked === null && (reason === 'authorization_code_reuse' || (presentedAccessToken && clientId !== undefined));
      if (!preempt && (issued === null || revoked !== null || (clientId !== undefined && issued.clientId !== clientId))) {
        return { revoked: false, position: null };
      }
      try {
        // A grant never recorded says here whose it was.
        const data: GrantRevoked = issued === null && clientId !== undefined ? { reason, clientId } : { reason };
        const { position } = await appendDecision(this.store, stream, loaded, [{ type: GRANT_REVOKED, data }], context);
        return { revoked: true, position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
      }
    }
  }
}
