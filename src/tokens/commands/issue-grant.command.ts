import { Command } from '@nestjs/cqrs';
import type { JsonObject, Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';

export interface GrantRequest {
  grantId: string;
  clientId: string;
  subject: string;
  scope: string[];
  claims: JsonObject;
  authTime: number;
  origin: 'authorization_code' | 'client_credentials';
}

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
