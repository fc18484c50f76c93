import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RedeemAuthorizationCodeCommand } from '../../authorization/commands/redeem-authorization-code.command.js';
import { AuthorizationCodeRejectedError } from '../../authorization/domain/authorization-code.errors.js';
import { narrowResources, readResourceIndicators } from '../../authorization/domain/resource-indicators.js';
import { allowedScopes } from '../../clients/domain/client-metadata.js';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { newGrantId } from '../../common/ids.js';
import { WrongExpectedVersionError } from '#event-store';
import { IssueGrantCommand } from '../commands/issue-grant.command.js';
import { RevokeGrantCommand } from '../commands/revoke-grant.command.js';
import { RotateRefreshTokenCommand } from '../commands/rotate-refresh-token.command.js';
import { RefreshTokenRejectedError } from '../domain/grant.errors.js';
import type { FormParameters } from '../http/form-parameters.js';
import { recordedClaims } from '../../policy/identity-snapshot.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { PolicyService } from '../../policy/policy.service.js';
import { TokenMetrics } from '../../metrics/token-metrics.js';
import { issuesRefreshToken, refreshPolicyOf } from './refresh-policy.js';
import { type TokenResponse, TokenResponseBuilder } from './token-response.js';

/** The three grants of `/token`, each for a client already authenticated and allowed the grant. */
@Injectable()
export class TokenGrants {
  constructor(
    private readonly commands: CommandBus,
    private readonly responses: TokenResponseBuilder,
    private readonly policy: PolicyService,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    @Optional() private readonly metrics: TokenMetrics = TokenMetrics.detached(),
  ) {}

  /**
   * Redeem, then record the grant under the id the redemption chose, then mint. A replayed code
   * revokes the grant of its first redemption (RFC 6749 §4.1.2). A client that must use PKCE and
   * sent no verifier is refused before the code is touched.
   */
  async authorizationCode(client: RegisteredClient, form: FormParameters, context: CommandContext): Promise<TokenResponse> {
    const code = form.get('code');
    if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
    const verifier = form.get('code_verifier');
    if (client.metadata.require_pkce && verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required for this client (PKCE)');
    const requestedResources = resourcesOf(form);
    let redeemed;
    try {
      const redeem = new RedeemAuthorizationCodeCommand(code, client.clientId, form.get('redirect_uri'), verifier, requestedResources, context);
      redeemed = await this.commands.execute(redeem);
    } catch (error) {
      if (!(error instanceof AuthorizationCodeRejectedError)) throw error;
      if (error.grantId !== undefined) await this.commands.execute(new RevokeGrantCommand(error.grantId, 'authorization_code_reuse', undefined, context));
      throw new OAuthError(error.error, error.message);
    }
    const { grantId, issued } = redeemed;
    const ttl = issuesRefreshToken(client.metadata, issued.scope) ? client.metadata.refresh_token_ttl_seconds * 1000 : null;
    const grant = {
      grantId,
      clientId: client.clientId,
      subject: issued.subject,
      scope: issued.scope,
      claims: issued.claims,
      authTime: issued.authTime,
      origin: 'authorization_code' as const,
      sessionId: issued.sessionId ?? null,
      identity: issued.identity ?? null,
      ...(issued.resources !== undefined ? { resources: issued.resources } : {}),
    };
    let refreshToken: string | null;
    try {
      ({ refreshToken } = await this.commands.execute(new IssueGrantCommand(grant, ttl, context)));
    } catch (error) {
      // A replay of this code revoked the grant before it was issued (see RevokeGrantHandler).
      if (error instanceof WrongExpectedVersionError) throw new OAuthError('invalid_grant', 'the authorization code has already been used');
      throw error;
    }
    return this.metrics.count('authorization_code', this.responses.build(client, {
      grantId,
      subject: issued.subject,
      scope: issued.scope,
      // checkRedemption has made sure the request narrows the code's resources.
      resources: narrowResources(issued.resources ?? [], requestedResources)!,
      identity: {
        claims: issued.claims,
        extraClaims: this.policy.grantedClaims({ claims: recordedClaims(issued.claims), snapshot: issued.identity ?? null }).idToken,
        authTime: issued.authTime,
        nonce: issued.nonce,
        sessionId: issued.sessionId ?? null,
      },
      refreshToken,
    }));
  }

  /**
   * Rotation with the client's policy; `scope` may narrow, never widen (RFC 6749 §6). The
   * person's identity is looked up again by the rotation and their capability rules evaluated
   * again here, so a policy change takes effect at the next refresh.
   */
  async refreshToken(client: RegisteredClient, form: FormParameters, context: CommandContext): Promise<TokenResponse> {
    const token = form.get('refresh_token');
    if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
    const requested = form.get('scope');
    const scope = requested === undefined ? undefined : [...new Set(requested.split(' ').filter(Boolean))];
    const policy = refreshPolicyOf(client.metadata, this.config.refreshTokenReuseGrace);
    const resources = resourcesOf(form);
    let rotated;
    try {
      rotated = await this.commands.execute(new RotateRefreshTokenCommand(token, client.clientId, scope, resources, policy, context));
    } catch (error) {
      if (error instanceof RefreshTokenRejectedError) throw new OAuthError(error.error, error.message);
      // A 503, not a 400: relying parties take a 400 on refresh for a dead grant and sign the
      // person out; this one is only waiting for tailscaled, and the refresh token stays valid.
      if (error instanceof IdentityUnavailableError) {
        throw new OAuthError('temporarily_unavailable', 'the identity behind this grant cannot be checked right now; retry later', 503);
      }
      throw error;
    }
    const { grant, identity } = rotated;
    return this.metrics.count('refresh_token', this.responses.build(client, {
      grantId: grant.grantId,
      subject: grant.subject,
      scope: rotated.scope,
      resources: rotated.resources,
      identity: {
        claims: identity.claims,
        extraClaims: this.policy.grantedClaims(identity).idToken,
        authTime: grant.authTime,
        nonce: null,
        sessionId: grant.sessionId ?? null,
      },
      refreshToken: rotated.refreshToken,
    }));
  }

  /**
   * A confidential client acting for itself: `sub` is its id, no ID token, no refresh token.
   * Nothing is recorded: the grant is one access token, and DESIGN §4 keeps the log free of an
   * event per access token (a client that fetches a token per call would otherwise fill it). The
   * token still carries a fresh grant id, so /revoke can revoke it (RevokeGrantCommand records
   * the grant as revoked) and introspection and resource servers then refuse it.
   */
  clientCredentials(client: RegisteredClient, form: FormParameters): TokenResponse {
    const requested = [...new Set((form.get('scope') ?? '').split(' ').filter(Boolean))];
    const allowed = allowedScopes(client.metadata);
    const refused = requested.find((scope) => !allowed.includes(scope) || scope === 'openid' || scope === 'offline_access');
    if (refused !== undefined) throw new OAuthError('invalid_scope', `the scope ${refused} cannot be granted to this client`);
    return this.metrics.count('client_credentials', this.responses.build(client, { grantId: newGrantId(), subject: client.clientId, scope: requested, resources: [], identity: null, refreshToken: null }));
  }
}

/** The request's RFC 8707 resource indicators, well-formed or refused with `invalid_target`. */
function resourcesOf(form: FormParameters): string[] {
  const read = readResourceIndicators(form.all('resource'));
  if (!read.ok) throw new OAuthError('invalid_target', read.description);
  return read.resources;
}
