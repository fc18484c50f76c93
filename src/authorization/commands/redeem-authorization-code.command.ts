import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AuthorizationCodeIssued } from '../domain/authorization-code.events.js';

export interface RedeemedAuthorizationCode {
  grantId: string;
  issued: AuthorizationCodeIssued;
  position: Position;
}

/**
 * Redeems a code for an already authenticated client (the token endpoint authenticates first,
 * so a failed client authentication never uses the code up).
 */
export class RedeemAuthorizationCodeCommand extends Command<RedeemedAuthorizationCode> {
  constructor(
    readonly code: string,
    readonly clientId: string,
    readonly redirectUri: string | undefined,
    readonly codeVerifier: string | undefined,
    /** RFC 8707 resources the token request names; checked before the code is used up. */
    readonly resources: readonly string[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
