import { Injectable } from '@nestjs/common';
import { deepFreeze } from '../../common/deep-freeze.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { Identity } from '../identity.js';
import type { IdentityResolver, ResolverRequest } from '../identity-resolver.js';
import { personClaims } from '../person-claims.js';
import { isLoopbackAddress } from './loopback.js';

/**
 * Builds the fixed identity of MESHID_DEV_IDENTITY: a login name, or the JSON form
 * `{"login":..,"name":..,"groups":[..],"caps":[..]}`. The configuration validator guarantees the
 * JSON parses to an object with a string `login`; the other fields are used only when they have
 * the right type. `caps` are tsidp capability rules, carried raw like a whois CapMap: the
 * capability parser validates them (and drops malformed ones) when a decision needs them. The
 * claims follow the same rules as a tailnet person's (`bob@github` gets tsidp's address under
 * `issuerHost`), so trying meshid on a laptop shows what a tailnet login will send.
 */
export function devIdentity(value: string, issuerHost: string): Identity {
  let login = value;
  let name: string | undefined;
  let groups: string[] = [];
  let capabilities: unknown[] = [];
  if (value.trimStart().startsWith('{')) {
    const parsed = JSON.parse(value) as { login: string; name?: unknown; groups?: unknown; caps?: unknown };
    login = parsed.login;
    if (Array.isArray(parsed.caps)) capabilities = parsed.caps;
    if (typeof parsed.name === 'string' && parsed.name.trim() !== '') name = parsed.name;
    if (Array.isArray(parsed.groups)) groups = [...new Set(parsed.groups.filter((g): g is string => typeof g === 'string' && g !== ''))];
  }
  return { source: 'dev', subject: `dev:${login}`, login, claims: personClaims(login, { name, groups }, issuerHost), capabilities };
}

/**
 * The `dev` resolver (DESIGN §5): the configured identity, for callers whose TCP peer address is
 * loopback. Headers such as X-Forwarded-For are never consulted: a proxy on this host would make
 * every remote caller look local. That the server listens only on loopback is checked at config
 * load; this is the second, per-request fence.
 */
@Injectable()
export class DevIdentityResolver implements IdentityResolver {
  readonly source = 'dev' as const;
  private readonly identity: Identity | null;

  constructor(config: MeshidConfig) {
    this.identity = config.devIdentity === undefined ? null : deepFreeze(devIdentity(config.devIdentity, new URL(config.issuer).hostname));
  }

  /** The configured identity, whoever asks (for re-evaluating a grant, never for a request). */
  get current(): Identity | null {
    return this.identity;
  }

  /** Whether MESHID_DEV_IDENTITY is set at all. */
  get enabled(): boolean {
    return this.identity !== null;
  }

  resolve(request: ResolverRequest): Identity | null {
    if (this.identity === null || !isLoopbackAddress(request.socket.remoteAddress)) return null;
    return this.identity;
  }
}
