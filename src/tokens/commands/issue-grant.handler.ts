import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { Clock } from '../../common/clock.js';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { GRANT_ISSUED, type GrantIssued, grantStream } from '../domain/grant.events.js';
import { newRefreshToken } from '../domain/refresh-token.js';
import { IssueGrantCommand } from './issue-grant.command.js';

@CommandHandler(IssueGrantCommand)
export class IssueGrantHandler implements ICommandHandler<IssueGrantCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  /** A grant's stream is created once (`no_stream`): its id comes from the single code redemption. */
  async execute({ grant, refreshTokenTtlMs, context }: IssueGrantCommand) {
    const refresh = refreshTokenTtlMs === null ? null : newRefreshToken(grant.grantId);
    const data: GrantIssued = {
      ...grant,
      sessionId: grant.sessionId ?? null,
      refreshTokenDigest: refresh && this.hasher.digest(refresh.secret),
      refreshExpiresAt: refreshTokenTtlMs === null ? null : this.clock.now() + refreshTokenTtlMs,
    };
    const stream = grantStream(grant.grantId);
    const { position } = await appendDecision(this.store, stream, { revision: undefined }, [{ type: GRANT_ISSUED, data }], context);
    return { refreshToken: refresh?.token ?? null, position };
  }
}
