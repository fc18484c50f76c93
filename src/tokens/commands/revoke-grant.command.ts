import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { GrantRevocationReason } from '../domain/grant.events.js';

/** Revokes a grant and with it every token issued under it. Revoking twice changes nothing. */
export class RevokeGrantCommand extends Command<{ revoked: boolean; position: Position | null }> {
  constructor(
    readonly grantId: string,
    readonly reason: GrantRevocationReason,
    /** When set, the grant must belong to this client (RFC 7009: a client revokes only its own). */
    readonly clientId: string | undefined,
    readonly context: CommandContext,
    /**
     * The revoker presented a valid access token of this grant, issued to `clientId`. Access
     * tokens of a code or refresh grant exist only once the grant is recorded, so if there is no
     * grant stream the token is a client_credentials one (those grants are not recorded: see
     * TokenGrants.clientCredentials), and revoking it records the grant as revoked.
     */
    readonly presentedAccessToken = false,
  ) {
    super();
  }
}
