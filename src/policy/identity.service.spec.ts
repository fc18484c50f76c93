import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import { IdentityUnavailableError } from './identity-resolver.js';
import { IdentityService } from './identity.service.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { ProxyHeadersIdentityResolver } from './resolvers/proxy-headers.resolver.js';
import { TailscaleIdentityResolver } from './tailscale/tailscale-identity.resolver.js';
import { LocalApiStandIn } from './testing/localapi-stand-in.js';
import { ALICE_LAPTOP } from './testing/whois-fixtures.js';
import { TrustedProxies } from './trusted-proxies.js';

Logger.overrideLogger(false);

let tailscaled: LocalApiStandIn;
let dead: { socketPath: string; directory: string };
beforeAll(async () => {
  tailscaled = await LocalApiStandIn.start({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json } });
  dead = await LocalApiStandIn.deadSocket('refusing');
});
afterAll(async () => {
  await tailscaled.close();
  await rm(dead.directory, { recursive: true, force: true });
});

function service(settings: Partial<MeshidConfig>): IdentityService {
  const config = Object.assign(new MeshidConfig(), { tailscaleSocket: tailscaled.socketPath, tailscaleTimeoutMs: 500 }, settings);
  const proxies = new TrustedProxies(config);
  return new IdentityService(config, new DevIdentityResolver(config), new TailscaleIdentityResolver(config, proxies), new ProxyHeadersIdentityResolver(config, proxies));
}
const request = (remoteAddress: string, headers: Record<string, string> = {}, remotePort = 50000) => ({ socket: { remoteAddress, remotePort }, headers });

describe('IdentityService', () => {
  it('tries the configured resolvers in order, leaving out those that cannot recognise anyone', async () => {
    const identities = service({ identity: ['tailscale', 'proxy-headers', 'dev', 'account'], devIdentity: 'dev@example.com' });
    expect(identities.active).toEqual(['tailscale', 'dev']);
    expect((await identities.identify(request(ALICE_LAPTOP.ip)))?.subject).toMatch(/^userid:/);
    // Loopback is not on the tailnet (404), so the dev identity answers.
    expect((await identities.identify(request('127.0.0.1')))?.subject).toBe('dev:dev@example.com');
    expect(await identities.identify(request('192.0.2.1'))).toBeNull();
  });

  it('takes proxy headers only with trusted proxies configured, and only from them', async () => {
    const identities = service({ identity: ['proxy-headers'], trustedProxies: ['127.0.0.1/32'] });
    expect(identities.active).toEqual(['proxy-headers']);
    expect((await identities.identify(request('127.0.0.1', { 'tailscale-user-login': 'alice@example.com' })))?.subject).toBe('login:alice@example.com');
    expect(await identities.identify(request('192.0.2.1', { 'tailscale-user-login': 'alice@example.com' }))).toBeNull();
  });

  it('stops at a resolver that cannot answer instead of falling through to the next', async () => {
    const identities = service({ identity: ['tailscale', 'dev'], devIdentity: 'dev@example.com', tailscaleSocket: dead.socketPath });
    await expect(identities.identify(request('127.0.0.1'))).rejects.toBeInstanceOf(IdentityUnavailableError);
  });

  it('recognises nobody when no resolver is available', async () => {
    const identities = service({ identity: ['account'] });
    expect(identities.active).toEqual([]);
    expect(await identities.identify(request('127.0.0.1'))).toBeNull();
  });
});
