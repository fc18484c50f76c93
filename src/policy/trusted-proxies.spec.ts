import { describe, expect, it } from '@jest/globals';
import { TrustedProxies } from './trusted-proxies.js';

const proxies = new TrustedProxies({ trustedProxies: ['127.0.0.1/32', '10.0.0.0/8', 'fd7a:115c:a1e0::/48'] });
const request = (remoteAddress: string, headers: Record<string, string | string[]> = {}, remotePort?: number) => ({
  socket: { remoteAddress, remotePort },
  headers,
});

describe('TrustedProxies', () => {
  it('trusts exactly the configured networks, IPv4-mapped peers included', () => {
    expect(proxies.isTrusted('127.0.0.1')).toBe(true);
    expect(proxies.isTrusted('::ffff:127.0.0.1')).toBe(true);
    expect(proxies.isTrusted('10.200.3.4')).toBe(true);
    expect(proxies.isTrusted('fd7a:115c:a1e0::42')).toBe(true);
    for (const address of ['127.0.0.2', '100.64.0.1', 'fd7a:115c:a1e1::1', '::1', 'not-an-ip', '']) expect(proxies.isTrusted(address)).toBe(false);
    expect(new TrustedProxies({ trustedProxies: [] }).isTrusted('127.0.0.1')).toBe(false);
  });

  it('takes a direct caller by its TCP peer and port, whatever X-Forwarded-For says', () => {
    expect(proxies.clientAddress(request('100.101.102.103', { 'x-forwarded-for': '100.64.0.9' }, 51234))).toEqual({ ip: '100.101.102.103', port: 51234 });
    expect(proxies.clientAddress(request('::ffff:100.101.102.103', {}, 1))).toEqual({ ip: '100.101.102.103', port: 1 });
  });

  it('takes the nearest untrusted hop of X-Forwarded-For from a trusted proxy, without a port', () => {
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': '100.101.102.103' }, 4000))).toEqual({ ip: '100.101.102.103' });
    // The client claimed 100.64.0.66; the proxies saw 100.101.102.103 then 10.1.1.1.
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': '100.64.0.66, 100.101.102.103, 10.1.1.1' }))).toEqual({ ip: '100.101.102.103' });
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': ['100.64.0.66', '100.101.102.104'] }))).toEqual({ ip: '100.101.102.104' });
  });

  it('knows no caller when a trusted proxy forwards nothing usable', () => {
    expect(proxies.clientAddress(request('127.0.0.1'))).toBeNull();
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': '10.0.0.1, 127.0.0.1' }))).toBeNull();
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': 'evil.example, 100.64.0.1' }))).toEqual({ ip: '100.64.0.1' });
    expect(proxies.clientAddress(request('127.0.0.1', { 'x-forwarded-for': '100.64.0.1, garbage' }))).toBeNull();
  });

  it('believes Tailscale-Funnel-Request from a trusted proxy only', () => {
    expect(proxies.viaFunnel(request('127.0.0.1', { 'tailscale-funnel-request': '?1' }))).toBe(true);
    expect(proxies.viaFunnel(request('127.0.0.1'))).toBe(false);
    expect(proxies.viaFunnel(request('100.64.0.1', { 'tailscale-funnel-request': '?1' }))).toBe(false);
  });
});
