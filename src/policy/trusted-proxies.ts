import { BlockList, isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import type { ResolverRequest } from './identity-resolver.js';

/** `::ffff:100.64.0.1` (a dual-stack socket's IPv4 peer) is 100.64.0.1. */
export function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped === null ? address : mapped[1]!;
}

/**
 * The proxies of MESHID_TRUSTED_PROXIES (`tailscale serve`, a reverse proxy on this host): the
 * only peers whose X-Forwarded-For, Tailscale-User-* and Tailscale-Funnel-Request headers mean
 * anything. From any other peer those headers are ignored, never an error: anyone can send them.
 */
@Injectable()
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(@Inject(MeshidConfig) config: Pick<MeshidConfig, 'trustedProxies'>) {
    for (const cidr of config.trustedProxies) {
      const [network, prefix] = cidr.split('/') as [string, string];
      this.list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
    }
    this.empty = config.trustedProxies.length === 0;
  }

  /** Whether an address (a TCP peer or a hop of X-Forwarded-For) is one of the trusted proxies. */
  isTrusted(address: string | undefined): boolean {
    if (this.empty || address === undefined) return false;
    const plain = unmapIPv4(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Whether the request's TCP peer is a trusted proxy, so its identity headers may be read. */
  fromTrustedProxy(request: ResolverRequest): boolean {
    return this.isTrusted(request.socket.remoteAddress);
  }

  /**
   * The caller's address: the TCP peer, or, when the peer is a trusted proxy, the nearest hop of
   * X-Forwarded-For that is not itself a trusted proxy (walking right to left, since each proxy
   * appends the address it saw; the left part is whatever the client claimed). `port` is known
   * only for a direct connection: proxies forward the address alone. Null when a trusted proxy
   * sent no usable X-Forwarded-For.
   */
  clientAddress(request: ResolverRequest): { ip: string; port?: number } | null {
    const peer = request.socket.remoteAddress;
    if (peer === undefined) return null;
    if (!this.isTrusted(peer)) {
      const port = request.socket.remotePort;
      return port === undefined ? { ip: unmapIPv4(peer) } : { ip: unmapIPv4(peer), port };
    }
    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = unmapIPv4(hops[index]!);
      if (isIP(hop) === 0) return null;
      if (!this.isTrusted(hop)) return { ip: hop };
    }
    return null;
  }

  /**
   * The address to record and to rate-limit by: `clientAddress`, or the TCP peer when a trusted
   * proxy named none (never a header a caller could choose). The one way every module reads it.
   */
  callerIp(request: { raw: ResolverRequest; ip: string }): string {
    return this.clientAddress(request.raw)?.ip ?? unmapIPv4(request.ip);
  }

  /**
   * Whether the request came in through Tailscale Funnel, from the internet: `tailscale serve`
   * sets Tailscale-Funnel-Request (and strips any client copy) for Funnel traffic. Believed from
   * a trusted proxy only.
   */
  viaFunnel(request: ResolverRequest): boolean {
    if (!this.fromTrustedProxy(request)) return false;
    const value = request.headers['tailscale-funnel-request'];
    return value !== undefined && value !== '';
  }
}
