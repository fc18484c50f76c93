import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { PolicyService } from '../../policy/policy.service.js';
import { RefreshTokenRejectedError } from '../domain/grant.errors.js';
import {
  GRANT_REVOKED,
  grantStream,
  REFRESH_TOKEN_REUSE_DETECTED,
  REFRESH_TOKEN_ROTATED,
  type RefreshTokenRotated,
} from '../domain/grant.events.js';
import { identityAfter, identityChange } from '../domain/identity-change.js';
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
    private readonly policy: PolicyService,
  ) {}

  /**
   * Rotation appends at the grant's loaded revision: of concurrent refreshes with one token only
   * one rotates; a loser re-decides on the new state, where its token has been rotated away, and
   * so revokes the grant, as any replay of a used refresh token does.
   *
   * Before rotating, policy looks the person up again (issue C: a policy change applies at the
   * next refresh): a change is recorded with the rotation, a person the tailnet no longer knows
   * revokes the grant instead. Only a refresh that would rotate asks, so a stale, foreign or
   * forged token never makes meshid ask tailscaled anything.
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
      const attemptData = {
        clientId: command.clientId,
        digest,
        isCurrent,
        requestedScope: command.requestedScope,
        requestedResources: command.requestedResources,
      };
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
        // A grant that can rotate has been issued, so it has an identity.
        const current = loaded.state.identity!;
        const found = await this.policy.reidentify(current, decision.issued.subject);
        if (found.kind === 'gone') {
          await appendDecision(this.store, stream, loaded, [{ type: GRANT_REVOKED, data: { reason: 'identity_gone' } }], command.context);
          throw new RefreshTokenRejectedError('identity_gone');
        }
        const change = identityChange(current, found.kind === 'current' ? { claims: found.claims, identity: found.identity } : undefined);
        const identity = identityAfter(current, change);
        // The resources, like the extra claims, follow the person's rules as they are now.
        const resources = this.policy.allowedAudiences(identity, decision.resources);
        if (decision.resources.length > 0 && resources.length === 0) throw new RefreshTokenRejectedError('resource_denied');
        const next = newRefreshToken(parts.grantId);
        const rotated: RefreshTokenRotated = {
          fromDigest: digest,
          toDigest: this.hasher.digest(next.secret),
          rotatedAt: now,
          refreshExpiresAt: now + command.policy.ttlMs,
          scope: decision.scope,
          ...(resources.length > 0 ? { resources } : {}),
        };
        if (change !== undefined) Object.assign(rotated, { reidentified: change, subject: decision.issued.subject });
        const { position } = await appendDecision(this.store, stream, loaded, [{ type: REFRESH_TOKEN_ROTATED, data: rotated }], command.context);
        return { grant: decision.issued, identity, scope: decision.scope, resources, refreshToken: next.token, position };
      } catch (error) {
        // Someone appended since the load: decide again on what they wrote (bounded: each retry sees more).
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
      }
    }
  }
}
