import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { TOKEN_EXCHANGE_GRANT } from '../../clients/domain/client-metadata.js';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { ExchangeTokenCommand } from '../commands/exchange-token.command.js';
import { TokenExchangeRefusedError } from '../domain/grant.errors.js';
import type { FormParameters } from '../http/form-parameters.js';
import { readTokenExchangeRequest, TOKEN_TYPE } from '../http/token-exchange-request.js';
import { AccessTokenVerifier, type AccessTokenClaims } from './access-token-verifier.js';
import { actorClaimFor, delegationDepth, MAX_DELEGATION_DEPTH } from './actor-claim.js';
import { TokenMinter } from './token-minter.js';
import { TokenMetrics } from '../../metrics/token-metrics.js';

/** RFC 8693 §2.2.1. */
export interface TokenExchangeResponse {
  access_token: string;
  issued_token_type: typeof TOKEN_TYPE.accessToken;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Longest an exchanged token lives (tsidp's 5 minutes), and never past the tokens it came from. */
const MAX_EXCHANGED_LIFETIME_SECONDS = 300;

/**
 * Token exchange (RFC 8693) for an authenticated confidential client: a live meshid access token
 * in, a short-lived access token for other audiences out, bound to the same grant (revoking the
 * grant ends it), with the subject's identity and the actor in `act`. It cannot outlive the
 * subject or actor token, so chaining exchanges never extends a token's life, and cannot widen
 * the subject token's scope.
 */
@Injectable()
export class TokenExchange {
  constructor(
    private readonly commands: CommandBus,
    private readonly verifier: AccessTokenVerifier,
    private readonly minter: TokenMinter,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    @Optional() private readonly metrics: TokenMetrics = TokenMetrics.detached(),
  ) {}

  async exchange(client: RegisteredClient, form: FormParameters, context: CommandContext): Promise<TokenExchangeResponse> {
    const request = readTokenExchangeRequest(form);
    const subject = this.liveToken(request.subjectToken, 'subject_token');
    const actor = request.actorToken === undefined ? undefined : this.liveToken(request.actorToken, 'actor_token');

    const granted = subject.scope.split(' ').filter(Boolean);
    const scope = request.scope ?? granted;
    const widened = scope.find((value) => !granted.includes(value));
    if (widened !== undefined) throw new OAuthError('invalid_scope', `the scope ${widened} was not granted to the subject token`);

    const act = actorClaimFor(actor, subject.act);
    if (delegationDepth(act) > MAX_DELEGATION_DEPTH) throw new OAuthError('invalid_request', `the delegation chain is longer than ${MAX_DELEGATION_DEPTH} actors`);
    const now = this.minter.now();
    const expiresAt = Math.min(now + Math.min(this.config.accessTokenLifetime, MAX_EXCHANGED_LIFETIME_SECONDS), subject.exp, actor?.exp ?? Infinity);
    const record = {
      clientId: client.clientId,
      scope,
      expiresAt,
      ...(act !== undefined ? { actor: { sub: act.sub, ...(act.client_id !== undefined ? { clientId: act.client_id } : {}) } } : {}),
    };

    let audience: string[];
    try {
      ({ audience } = await this.commands.execute(new ExchangeTokenCommand(subject.gid, subject.sub, request.targets, record, context)));
    } catch (error) {
      if (!(error instanceof TokenExchangeRefusedError)) throw error;
      if (error.reason === 'revoked') throw new OAuthError('invalid_grant', error.message);
      throw new OAuthError('access_denied', error.message, 403);
    }
    const token = this.minter.accessToken({
      grantId: subject.gid,
      clientId: client.clientId,
      subject: subject.sub,
      scope,
      audience,
      expiresAt,
      ...(act !== undefined ? { actor: act } : {}),
    });
    return this.metrics.count(TOKEN_EXCHANGE_GRANT, { access_token: token, issued_token_type: TOKEN_TYPE.accessToken, token_type: 'Bearer', expires_in: expiresAt - now, scope: scope.join(' ') });
  }

  /** A meshid access token in force: it verifies, has not expired, its grant and client live on. */
  private liveToken(token: string, parameter: string): AccessTokenClaims {
    const checked = this.verifier.inForce(token);
    if (checked.claims !== null) return checked.claims;
    const why = { invalid: 'is not a valid, unexpired meshid access token', revoked: 'has been revoked', client_gone: 'was issued to a client that no longer exists' };
    throw new OAuthError('invalid_grant', `${parameter} ${why[checked.problem]}`);
  }
}
