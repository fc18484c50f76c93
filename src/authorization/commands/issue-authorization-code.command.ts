import { Command } from '@nestjs/cqrs';
import type { Position } from '#event-store';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { AuthorizationCodeIssued } from '../domain/authorization-code.events.js';
import type { PkceMethod } from '../domain/pkce.js';

/** What the code will carry; the handler adds its expiry, and optional parts are stored as null. */
export type AuthorizationCodeRequest = Pick<AuthorizationCodeIssued, 'clientId' | 'redirectUri' | 'scope' | 'subject' | 'claims' | 'authTime'> & {
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  sessionId?: string;
  identity?: AuthorizationCodeIssued['identity'];
  resources?: string[];
};

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
