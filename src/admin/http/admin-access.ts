import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientDirectory } from '../../clients/read-model/client-directory.js';
import { allowedScopes } from '../../clients/domain/client-metadata.js';
import { AuditTrail } from '../../audit/audit-trail.js';
import type { AdminDenialReason } from '../../audit/domain/audit.events.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { IdentityService } from '../../policy/identity.service.js';
import type { Identity } from '../../policy/identity.js';
import { PolicyService } from '../../policy/policy.service.js';
import { TrustedProxies } from '../../policy/trusted-proxies.js';
import { AccessTokenVerifier } from '../../tokens/issuance/access-token-verifier.js';
import { AdminApiError, type Principal } from '../api/admin-api.js';

/** The scope a client_credentials token needs for the admin API; only an administrator can give a client this scope. */
export const ADMIN_SCOPE = 'meshid:admin';
export const CSRF_HEADER = 'x-csrf-token';
const CSRF_PURPOSE = 'admin-ui csrf';
const DAY_MS = 86_400_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An authorized admin caller and how it proved who it is. */
export interface AdminCaller {
  principal: Principal;
  /** `identity`: the network said who it is (a browser, so CSRF applies); `token`: a bearer token. */
  via: 'identity' | 'token';
  ip: string;
}

/**
 * Who may administer (DESIGN §5), decided once per request before any admin handler runs:
 * - automation: `Authorization: Bearer` with an access token in force (AccessTokenVerifier) that
 *   a client got for itself (client_credentials: `sub` is the client) with the meshid:admin scope,
 *   from a client whose registration still allows that scope, so taking the scope away from a
 *   client, or deleting it, ends its admin access at once;
 * - people: the identity the policy module resolves (tailnet, proxy headers, dev), if its grants
 *   say allow_admin_ui. That identity is ambient, like a cookie: any page the person visits could
 *   send requests that carry it. So such calls must name the issuer's host (a DNS-rebound name
 *   reaching this server is refused), and every state-changing one must carry the CSRF token of
 *   the page meshid served to that person, which another site cannot read.
 * Every refusal is recorded (AuditTrail) and answered with an AdminApiError.
 */
@Injectable()
export class AdminAccess {
  private readonly issuerHost: string;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly clients: ClientDirectory,
    private readonly identities: IdentityService,
    private readonly policy: PolicyService,
    private readonly proxies: TrustedProxies,
    private readonly hasher: SecretHasher,
    private readonly audit: AuditTrail,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.issuerHost = new URL(config.issuer).host.toLowerCase();
  }

  async authorize(request: FastifyRequest): Promise<AdminCaller> {
    const ip = this.proxies.callerIp(request);
    const header = request.headers.authorization;
    if (header !== undefined) return this.byToken(request, header, ip);
    const identity = await this.browserIdentity(request, ip);
    if (!SAFE_METHODS.has(request.method) && !this.csrfTokenValid(identity, request.headers[CSRF_HEADER])) {
      throw await this.deny(request, ip, 'cross_site', `person:${identity.login}`, 'forbidden', `a change made from the browser needs the ${CSRF_HEADER} header of the admin page`);
    }
    return { principal: { kind: 'person', actor: `person:${identity.login}`, name: identity.claims.name ?? identity.login }, via: 'identity', ip };
  }

  /**
   * The person calling from a browser, if an administrator: the issuer's host, an identity, and
   * allow_admin_ui. For the admin page as for the API.
   */
  async browserIdentity(request: FastifyRequest, ip = this.proxies.callerIp(request)): Promise<Identity> {
    if ((request.headers.host ?? '').toLowerCase() !== this.issuerHost) {
      throw await this.deny(request, ip, 'wrong_host', null, 'forbidden', `the admin interface answers only at the issuer's host, ${this.issuerHost}`);
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      throw await this.deny(request, ip, 'cross_site', null, 'forbidden', 'admin requests from another site are refused');
    }
    let identity: Identity | null;
    try {
      identity = await this.identities.identify(request.raw);
    } catch (error) {
      if (error instanceof IdentityUnavailableError) throw new AdminApiError('temporarily_unavailable', 'the identity of the caller cannot be established right now; retry later');
      throw error;
    }
    if (identity === null) {
      throw await this.deny(request, ip, 'unauthenticated', null, 'unauthorized', 'sign in from your tailnet, or send Authorization: Bearer <token with the meshid:admin scope>');
    }
    if (!this.policy.mayAdminister(identity)) {
      throw await this.deny(request, ip, 'not_an_administrator', `person:${identity.login}`, 'forbidden', `${identity.login} may not administer meshid (no allow_admin_ui capability)`);
    }
    return identity;
  }

  /** The CSRF token of the admin page for `identity`: a MAC of its subject and the day, valid that day and the next. */
  csrfToken(identity: Identity, now = Date.now()): string {
    const day = Math.floor(now / DAY_MS).toString(36);
    return `${day}.${this.hasher.mac(CSRF_PURPOSE, `${day}\u0000${identity.subject}`)}`;
  }

  private csrfTokenValid(identity: Identity, presented: string | string[] | undefined, now = Date.now()): boolean {
    if (typeof presented !== 'string') return false;
    const [day, mac, extra] = presented.split('.');
    if (day === undefined || mac === undefined || extra !== undefined || !/^[0-9a-z]{1,10}$/.test(day)) return false;
    const age = Math.floor(now / DAY_MS) - parseInt(day, 36);
    return age >= 0 && age <= 1 && this.hasher.verifyMac(CSRF_PURPOSE, `${day}\u0000${identity.subject}`, mac);
  }

  private async byToken(request: FastifyRequest, header: string, ip: string): Promise<AdminCaller> {
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    const checked = match ? this.verifier.inForce(match[1]!) : { claims: null };
    if (checked.claims === null) throw await this.deny(request, ip, 'invalid_token', null, 'unauthorized', 'the bearer token is not a valid meshid access token in force');
    const { claims } = checked;
    const actor = `client:${claims.client_id}`;
    const client = this.clients.find(claims.client_id);
    const scopes = claims.scope.split(' ');
    const stillAllowed = client !== undefined && allowedScopes(client.metadata).includes(ADMIN_SCOPE) && client.metadata.grant_types.includes('client_credentials');
    if (claims.sub !== claims.client_id || !scopes.includes(ADMIN_SCOPE) || !stillAllowed) {
      throw await this.deny(request, ip, 'insufficient_scope', actor, 'forbidden', `the token needs the ${ADMIN_SCOPE} scope, obtained by a client allowed it (client_credentials)`);
    }
    return { principal: { kind: 'client', actor, name: client.metadata.client_name }, via: 'token', ip };
  }

  private async deny(request: FastifyRequest, ip: string, reason: AdminDenialReason, actor: string | null, code: 'unauthorized' | 'forbidden', description: string): Promise<AdminApiError> {
    await this.audit.adminActionDenied({ method: request.method, path: pathOf(request.url), reason, actor, ip, correlationId: String(request.id) });
    return new AdminApiError(code, description);
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return (query === -1 ? url : url.slice(0, query)).slice(0, 512);
}
