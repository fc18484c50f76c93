import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { RecordedIdentity } from '../../policy/identity-snapshot.js';
import type { GrantIssued } from '../domain/grant.events.js';

export interface RefreshPolicy {
  /** Lifetime of each new refresh token (sliding). */
  ttlMs: number;
  /** How long a just-rotated token is refused without revoking the grant (0: never). */
  reuseGraceMs: number;
}

export interface RotatedRefreshToken {
  grant: GrantIssued;
  /** Who the new tokens are for: the grant's identity after this rotation. */
  identity: RecordedIdentity;
  scope: string[];
  /** The RFC 8707 resources the new access token is bound to. */
  resources: string[];
  refreshToken: string;
  position: Position;
}

/**
 * ExchangeToken for `grant_type=refresh_token`, for an already authenticated client. Throws
 * IdentityUnavailableError when the person cannot be looked up again (tailscaled down).
 */
export class RotateRefreshTokenCommand extends Command<RotatedRefreshToken> {
  constructor(
    readonly refreshToken: string,
    readonly clientId: string,
    readonly requestedScope: string[] | undefined,
    readonly requestedResources: readonly string[],
    readonly policy: RefreshPolicy,
    readonly context: CommandContext,
  ) {
    super();
  }
}
