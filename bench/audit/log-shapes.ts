import { randomBytes } from 'node:crypto';
import type { JsonObject, NewEvent } from '#event-store';

/**
 * Event shapes as meshid's command handlers write them (see the domain event types named on each
 * builder), with ids, digests and claims of realistic sizes. Nothing here is a real secret:
 * digests are random bytes in the form SecretHasher gives (base64url of 32 bytes).
 */

/** A population of subjects and clients: who signs in where. */
export interface Population {
  subjects: Subject[];
  clients: Client[];
}

export interface Subject {
  subject: string;
  login: string;
  name: string;
  node: string;
  address: string;
  groups: string[];
}

export interface Client {
  clientId: string;
  name: string;
  redirectUri: string;
}

const APPS = ['grafana', 'gitea', 'nextcloud', 'immich', 'paperless', 'jellyfin', 'home-assistant', 'vaultwarden', 'outline', 'miniflux'];
const GROUPS = ['admins', 'family', 'ops', 'media', 'dev', 'finance'];
const PAGE = 4096;
let pool = randomBytes(PAGE);
let offset = 0;

/** `bytes` random bytes as base64url, cut from a pool (cheap per call: the fill is not timed, but a 1M-event log needs millions). */
export function randomToken(bytes = 32): string {
  if (offset + bytes > PAGE) {
    pool = randomBytes(PAGE);
    offset = 0;
  }
  offset += bytes;
  const token = pool.toString('base64url', offset - bytes, offset);
  // Ids start with a letter or digit (randomId, assertClientId): never read as a CLI option.
  return /^[A-Za-z0-9]/.test(token) ? token : `A${token.slice(1)}`;
}

export function population(subjects: number, clients: number): Population {
  return {
    subjects: Array.from({ length: subjects }, (_, i) => ({
      subject: `userid:${7_000_000_000_000 + i * 7919}`,
      login: `person${i}@example.com`,
      name: `Person ${i} Example`,
      node: `laptop-${i}.tail1234.ts.net.`,
      address: `100.${64 + (i % 64)}.${(i >> 6) & 255}.${(i * 37) & 255}`,
      groups: GROUPS.filter((_, g) => (i >> g) % 3 === 0),
    })),
    clients: Array.from({ length: clients }, (_, i) => {
      const app = `${APPS[i % APPS.length]}${i >= APPS.length ? `-${Math.floor(i / APPS.length)}` : ''}`;
      return { clientId: randomToken(18), name: app, redirectUri: `https://${app}.tail1234.ts.net/login/generic_oauth` };
    }),
  };
}

/** The metadata every command's events carry (commandMetadata): actor, correlation id, address. */
export function metadata(actor: string, ip?: string): JsonObject {
  return { actor, correlationId: crypto.randomUUID(), ...(ip ? { ip } : {}) };
}

/** IdentityClaims of a tailnet person, as the tailnet resolver gives them (tsidp's claims). */
function claims(s: Subject): JsonObject {
  return {
    sub: s.subject,
    name: s.name,
    email: s.login,
    email_verified: true,
    preferred_username: s.login.split('@')[0]!,
    picture: `https://avatars.example.com/u/${s.subject.slice(7)}?v=4`,
    groups: s.groups,
    nid: 800 + (Number(s.subject.slice(-4)) % 1000),
    node: s.node,
    tailnet: 'tail1234.ts.net',
    addresses: [`${s.address}/32`, 'fd7a:115c:a1e0::1/128'],
    key: `nodekey:${randomToken(32).slice(0, 40)}`,
    uid: Number(s.subject.slice(7)),
  };
}

/** IdentitySnapshot: source, login, capability rules, node address. */
function identity(s: Subject): JsonObject {
  return { source: 'tailnet', login: s.login, capabilities: s.groups.includes('admins') ? [{ allow_admin_ui: true }] : [], nodeAddress: s.address };
}

const SCOPE = ['openid', 'profile', 'email', 'groups', 'offline_access'];

/** ClientRegisteredData / ClientUpdatedData: the whole validated metadata, a secret digest only. */
export function clientRegistered(c: Client, updated = false): NewEvent {
  const metadata_ = {
    client_name: c.name,
    redirect_uris: [c.redirectUri],
    post_logout_redirect_uris: [c.redirectUri.replace('/login/generic_oauth', '/')],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    scope: SCOPE.join(' '),
    require_pkce: true,
    allow_insecure_http_redirects: false,
    refresh_token_rotation: true,
    refresh_token_ttl_seconds: 30 * 24 * 3600,
    ...(updated ? { client_uri: c.redirectUri.replace('/login/generic_oauth', '/'), contacts: ['ops@example.com'] } : {}),
  };
  return updated
    ? { type: 'ClientUpdated', data: { clientId: c.clientId, metadata: metadata_ }, metadata: metadata('ada@example.com', '100.64.0.1') }
    : { type: 'ClientRegistered', data: { clientId: c.clientId, metadata: metadata_, secretDigest: randomToken() }, metadata: metadata('ada@example.com', '100.64.0.1') };
}

/** SessionStarted in `session-<id>`. */
export function sessionStarted(s: Subject, now: number): NewEvent {
  return { type: 'SessionStarted', data: { subject: s.subject, secretDigest: randomToken(), startedAt: now }, metadata: metadata(s.subject, s.address) };
}

/** AuthorizationCodeIssued in `authcode-<digest>`: claims and identity are personal data (sealed). */
export function codeIssued(s: Subject, c: Client, sessionId: string, now: number): NewEvent {
  return {
    type: 'AuthorizationCodeIssued',
    data: {
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      scope: SCOPE,
      subject: s.subject,
      claims: claims(s),
      authTime: Math.floor(now / 1000),
      expiresAt: now + 60_000,
      nonce: randomToken(16),
      codeChallenge: randomToken(32),
      codeChallengeMethod: 'S256',
      sessionId,
      identity: identity(s),
    },
    metadata: metadata(s.subject, s.address),
  };
}

/** AuthorizationCodeRedeemed, in the code's stream, by the client. */
export function codeRedeemed(c: Client, grantId: string): NewEvent {
  return { type: 'AuthorizationCodeRedeemed', data: { grantId, clientId: c.clientId }, metadata: metadata(c.clientId, '100.100.1.2') };
}

/** GrantIssued in `grant-<id>`: claims and identity are personal data (sealed). */
export function grantIssued(s: Subject, c: Client, grantId: string, sessionId: string, now: number): NewEvent {
  return {
    type: 'GrantIssued',
    data: {
      grantId,
      clientId: c.clientId,
      subject: s.subject,
      scope: SCOPE,
      claims: claims(s),
      authTime: Math.floor(now / 1000),
      origin: 'authorization_code',
      sessionId,
      identity: identity(s),
      refreshTokenDigest: randomToken(),
      refreshExpiresAt: now + 30 * 86_400_000,
    },
    metadata: metadata(c.clientId, '100.100.1.2'),
  };
}

/** RefreshTokenRotated: digests only (no `reidentified`, the common case). */
export function refreshRotated(c: Client, now: number): NewEvent {
  return {
    type: 'RefreshTokenRotated',
    data: { fromDigest: randomToken(), toDigest: randomToken(), rotatedAt: now, refreshExpiresAt: now + 30 * 86_400_000, scope: SCOPE },
    metadata: metadata(c.clientId, '100.100.1.2'),
  };
}

export function grantRevoked(c: Client): NewEvent {
  return { type: 'GrantRevoked', data: { reason: 'revoked_by_client' }, metadata: metadata(c.clientId, '100.100.1.2') };
}

/** AdminActionDenied in the day's `audit-<date>` stream (AuditTrail). */
export function adminActionDenied(i: number): NewEvent {
  return {
    type: 'AdminActionDenied',
    data: { method: 'GET', path: '/api/v1/clients', reason: i % 2 === 0 ? 'unauthenticated' : 'insufficient_scope', actor: null, suppressed: i % 5 },
    metadata: metadata('anonymous', `100.${64 + (i % 64)}.9.${i & 255}`),
  };
}
