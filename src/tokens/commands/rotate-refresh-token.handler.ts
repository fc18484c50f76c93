import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { recordedClaims } from '../../policy/identity-snapshot.js';
import { RefreshTokenRejectedError } from '../domain/grant.errors.js';
import {
  GRANT_REVOKED,
  grantStream,
  REFRESH_TOKEN_REUSE_DETECTED,
  REFRESH_TOKEN_ROTATED,
  type RefreshTokenRotated,
} from '../domain/grant.events.js';
import { isDeepStrictEqual } from 'node:util';
import { decideRefresh } from '../domain/refresh-decision.js';
import { newRefreshToken, parseRefreshToken } from '../domain/refresh-token.js';
import { GrantLookup } from '../read-model/grant-lookup.js';
import { RotateRefreshTokenCommand, type RotatedRefreshToken } from './rotate-refresh-token.command.js';

@CommandHandler(RotateRefreshTokenCommand)
export class RotateRefreshTokenHandler implements ICommandHandler<RotateRefreshTokenCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    private readonly grants: GrantLookup,
  ) {}

  /**
   * Rotation appends at the grant's loaded revision: of concurrent refreshes with one token only
   * one rotates; a loser re-decides on the new state, where its token has been rotated away, and
   * so revokes the grant, as any replay of a used refresh token does.
   */
  async execute(command: RotateRefreshTokenCommand): Promise<RotatedRefreshToken> {
    const parts = parseRefreshToken(command.refreshToken);
    if (parts === null) throw new RefreshTokenRejectedError('unknown');
    const stream = grantStream(parts.grantId);
    const digest = this.hasher.digest(parts.secret);
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.grants.load(parts.grantId);
      const isCurrent = loaded.state.currentDigest !== null && this.hasher.matches(parts.secret, loaded.state.currentDigest);
      const now = this.clock.now();
      const attemptData = { clientId: command.clientId, digest, isCurrent, requestedScope: command.requestedScope };
      const decision = decideRefresh(loaded.state, attemptData, now, command.policy.reuseGraceMs);
      try {
        if (decision.kind === 'refuse_within_grace') throw new RefreshTokenRejectedError('reused');
        if (decision.kind === 'revoke_for_reuse') {
          const events = [
            { type: REFRESH_TOKEN_REUSE_DETECTED, data: { presentedDigest: digest } },
            { type: GRANT_REVOKED, data: { reason: 'refresh_token_reuse' } },
          ];
          await appendDecision(this.store, stream, loaded, events, command.context);
          throw new RefreshTokenRejectedError('reused');
        }
        const next = newRefreshToken(parts.grantId);
        const rotated: RefreshTokenRotated = {
          fromDigest: digest,
          toDigest: this.hasher.digest(next.secret),
          rotatedAt: now,
          refreshExpiresAt: now + command.policy.ttlMs,
          scope: decision.scope,
        };
        const current = loaded.state.identity;
        const changed =
          command.reidentified !== undefined &&
          (current === null || !isDeepStrictEqual(current.claims, command.reidentified.claims) || !isDeepStrictEqual(current.snapshot, command.reidentified.identity));
        if (changed) rotated.reidentified = command.reidentified;
        const { position } = await appendDecision(this.store, stream, loaded, [{ type: REFRESH_TOKEN_ROTATED, data: rotated }], command.context);
        const identity = changed ? { claims: recordedClaims(command.reidentified!.claims), snapshot: command.reidentified!.identity } : current!;
        return { grant: decision.issued, identity, scope: decision.scope, refreshToken: next.token, position };
      } catch (error) {
        // Someone appended since the load: decide again on what they wrote (bounded: each retry sees more).
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
      }
    }
  }
}
