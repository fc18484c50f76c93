import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { GrantIssued } from '../domain/grant.events.js';

/** The grant as issued, less its refresh token, which the handler mints. */
export type GrantRequest = Pick<GrantIssued, 'grantId' | 'clientId' | 'subject' | 'scope' | 'claims' | 'authTime' | 'origin' | 'sessionId' | 'identity' | 'resources'>;

/** Records a grant; with `refreshTokenTtlMs` it also issues its first refresh token. */
export class IssueGrantCommand extends Command<{ refreshToken: string | null; position: Position }> {
  constructor(
    readonly grant: GrantRequest,
    readonly refreshTokenTtlMs: number | null,
    readonly context: CommandContext,
  ) {
    super();
  }
}
