import { Inject, Injectable, Logger } from '@nestjs/common';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { Identity } from '../identity.js';
import type { IdentityResolver, ResolverRequest } from '../identity-resolver.js';
import { personClaims } from '../person-claims.js';
import { TrustedProxies } from '../trusted-proxies.js';
import { decodeEncodedWords } from './encoded-words.js';

const TSIDP_CAPABILITY = 'tailscale.com/cap/tsidp';
/** Header values longer than this are not a login, a name or a picture URL. */
const MAX_VALUE = 2048;

/**
 * The `proxy-headers` resolver (DESIGN §5): the identity `tailscale serve` puts in
 * Tailscale-User-Login, -Name and -Profile-Pic, and the grants it forwards in
 * Tailscale-App-Capabilities (`--accept-app-caps`). Believed only from a trusted proxy, which
 * strips client copies; from anyone else the headers are ignored. serve sends no user id, so
 * `sub` is the login (`login:<LoginName>`); prefer the `tailscale` resolver where tailscaled's
 * socket is reachable, which gives tsidp's `userid:<n>`. Funnel traffic and tagged nodes carry no
 * identity headers, so they resolve to nobody.
 */
@Injectable()
export class ProxyHeadersIdentityResolver implements IdentityResolver {
  readonly source = 'proxy-headers' as const;
  private readonly logger = new Logger('ProxyHeaders');
  private readonly issuerHost: string;

  constructor(
    @Inject(MeshidConfig) config: MeshidConfig,
    private readonly proxies: TrustedProxies,
  ) {
    this.issuerHost = new URL(config.issuer).hostname;
  }

  resolve(request: ResolverRequest): Identity | null {
    if (!this.proxies.fromTrustedProxy(request) || this.proxies.viaFunnel(request)) return null;
    const login = this.header(request, 'tailscale-user-login');
    if (login === undefined) return null;
    const name = this.header(request, 'tailscale-user-name');
    const picture = this.header(request, 'tailscale-user-profile-pic');
    return {
      source: 'proxy-headers',
      subject: `login:${login}`,
      login,
      claims: personClaims(login, { name, picture }, this.issuerHost),
      capabilities: this.capabilities(request),
    };
  }

  /** A single, decodable, non-empty header value, or undefined. */
  private header(request: ResolverRequest, name: string): string | undefined {
    const raw = request.headers[name];
    if (typeof raw !== 'string' || raw.length > MAX_VALUE) return undefined;
    const value = decodeEncodedWords(raw.trim());
    return value === null || value === '' || /[\u0000-\u001f\u007f]/.test(value) ? undefined : value;
  }

  /** The tsidp rules of Tailscale-App-Capabilities (a JSON PeerCapMap); none if it is not one. */
  private capabilities(request: ResolverRequest): unknown[] {
    const raw = request.headers['tailscale-app-capabilities'];
    if (typeof raw !== 'string' || raw === '') return [];
    try {
      const map: unknown = JSON.parse(raw);
      const rules = typeof map === 'object' && map !== null ? (map as Record<string, unknown>)[TSIDP_CAPABILITY] : undefined;
      return Array.isArray(rules) ? rules : [];
    } catch {
      this.logger.warn('Tailscale-App-Capabilities from the proxy is not JSON; its capability rules are ignored');
      return [];
    }
  }
}
