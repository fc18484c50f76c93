import { Command } from '@nestjs/cqrs';
import type { JsonObject, Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { PkceMethod } from '../domain/pkce.js';

export interface AuthorizationCodeRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  subject: string;
  claims: JsonObject;
  authTime: number;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
}

export interface IssuedAuthorizationCode {
  /** The code for the redirect; shown once, stored only as its HMAC. */
  code: string;
  expiresAt: number;
  position: Position;
}

/** IssueCode: records a new single-use authorization code for an authenticated person. */
export class IssueAuthorizationCodeCommand extends Command<IssuedAuthorizationCode> {
  constructor(
    readonly request: AuthorizationCodeRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}
