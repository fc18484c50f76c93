import { Inject, Injectable } from '@nestjs/common';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { TokenMinter } from './token-minter.js';
import { MeshidConfig } from '../../config/meshid-config.js';

/** RFC 6749 §5.1 with OIDC's `id_token`. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

/** What the tokens of one response are about. */
export interface TokenSubject {
  grantId: string;
  subject: string;
  scope: readonly string[];
  /** The RFC 8707 resources the access token is bound to (empty: the client). */
  resources: readonly string[];
  /** For the ID token; null: no ID token (client_credentials). */
  identity: {
    claims: Record<string, unknown>;
    extraClaims: Record<string, unknown>;
    authTime: number;
    nonce: string | null;
    sessionId?: string | null;
  } | null;
  refreshToken: string | null;
}

/** Mints the access token and, when `openid` was granted to a person, the ID token bound to it by `at_hash`. */
@Injectable()
export class TokenResponseBuilder {
  constructor(
    private readonly minter: TokenMinter,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  build(client: RegisteredClient, subject: TokenSubject): TokenResponse {
    const access = this.minter.accessToken({
      grantId: subject.grantId,
      clientId: client.clientId,
      subject: subject.subject,
      scope: subject.scope,
      audience: subject.resources,
    });
    const response: TokenResponse = { access_token: access, token_type: 'Bearer', expires_in: this.config.accessTokenLifetime, scope: subject.scope.join(' ') };
    if (subject.identity !== null && subject.scope.includes('openid')) {
      response.id_token = this.minter.idToken({
        clientId: client.clientId,
        subject: subject.subject,
        alg: client.metadata.id_token_signed_response_alg,
        scope: subject.scope,
        claims: subject.identity.claims,
        extraClaims: subject.identity.extraClaims,
        authTime: subject.identity.authTime,
        nonce: subject.identity.nonce,
        sessionId: subject.identity.sessionId ?? null,
        accessToken: access,
      });
    }
    if (subject.refreshToken !== null) response.refresh_token = subject.refreshToken;
    return response;
  }
}
