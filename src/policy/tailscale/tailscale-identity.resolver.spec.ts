import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MeshidConfig } from '../../config/meshid-config.js';
import { IdentityUnavailableError } from '../identity-resolver.js';
import { LocalApiStandIn, type LocalApiStandInOptions } from '../testing/localapi-stand-in.js';
import { ALICE_LAPTOP, BOB_GITHUB, TAGGED_SERVER } from '../testing/whois-fixtures.js';
import { TrustedProxies } from '../trusted-proxies.js';
import { identityFromWhois } from './whois-identity.js';
import { parseWhoIs } from './whois-response.js';
import {
  createTailscaleIdentityResolver,
  TailscaleIdentityResolver,
  whoisAddress,
  type TailscaleResolverSettings,
  WHOIS_CACHE_TTL_MS,
} from './tailscale-identity.resolver.js';

Logger.overrideLogger(false);

const ISSUER = 'https://idp.tail1234.ts.net';
const ALICE_V6 = 'fd7a:115c:a1e0::1234:5678';
const aliceIdentity = identityFromWhois(parseWhoIs(ALICE_LAPTOP.json), { issuerHost: 'idp.tail1234.ts.net', taggedNodes: 'refuse' });

let standIn: LocalApiStandIn | undefined;
let clock = 1_000_000;
let warn: ReturnType<typeof jest.spyOn>;
let log: ReturnType<typeof jest.spyOn>;

beforeEach(() => {
  clock = 1_000_000;
  warn = jest.spyOn(Logger.prototype, 'warn');
  log = jest.spyOn(Logger.prototype, 'log');
});

afterEach(async () => {
  jest.restoreAllMocks();
  await standIn?.close();
  standIn = undefined;
});

async function resolver(options: LocalApiStandInOptions = {}, settings: Partial<TailscaleResolverSettings> = {}): Promise<TailscaleIdentityResolver> {
  standIn = await LocalApiStandIn.start({
    whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json, [ALICE_V6]: ALICE_LAPTOP.json, [BOB_GITHUB.ip]: BOB_GITHUB.json, [TAGGED_SERVER.ip]: TAGGED_SERVER.json },
    ...options,
  });
  return createTailscaleIdentityResolver({ socket: standIn.socketPath, timeoutMs: 200, issuer: ISSUER, taggedNodes: 'refuse', now: () => clock, ...settings });
}

const request = (remoteAddress: string | undefined, remotePort?: number, headers: Record<string, string> = {}) => ({ socket: { remoteAddress, remotePort }, headers });
const proxied = (headers: Record<string, string>) => request('127.0.0.1', 50000, headers);
const TRUSTING_LOOPBACK = { trustedProxies: ['127.0.0.1/32'] };

describe('TailscaleIdentityResolver', () => {
  it("asks whois for the peer's ip:port and answers the identity", async () => {
    const tailscale = await resolver();
    expect(await tailscale.resolve(request(ALICE_LAPTOP.ip, 41641))).toEqual(aliceIdentity);
    expect(standIn!.whoisAddresses()).toEqual(['100.101.102.103:41641']);
    expect(standIn!.requests[0]!.headers).toMatchObject({ host: 'local-tailscaled.sock' });
    expect(standIn!.requests[0]!.headers.origin).toBeUndefined();
    expect(tailscale.source).toBe('tailscale');
  });

  it('unmaps IPv4-mapped IPv6 peers and brackets IPv6 ones', async () => {
    const tailscale = await resolver();
    expect((await tailscale.resolve(request(`::ffff:${ALICE_LAPTOP.ip}`, 5555)))?.subject).toBe('userid:7743467757367193');
    expect((await tailscale.resolve(request(ALICE_V6, 443)))?.subject).toBe('userid:7743467757367193');
    expect(standIn!.whoisAddresses()).toEqual(['100.101.102.103:5555', '[fd7a:115c:a1e0::1234:5678]:443']);
    expect(whoisAddress('100.64.0.1', undefined)).toBe('100.64.0.1');
  });

  it('believes X-Forwarded-For from a trusted proxy only, and then asks by IP alone', async () => {
    const tailscale = await resolver({}, TRUSTING_LOOPBACK);
    expect((await tailscale.resolve(proxied({ 'x-forwarded-for': ALICE_LAPTOP.ip })))?.login).toBe('alice@example.com');
    expect((await tailscale.resolve(request(BOB_GITHUB.ip, 1234, { 'x-forwarded-for': ALICE_LAPTOP.ip })))?.login).toBe('bob@github');
    expect(standIn!.whoisAddresses()).toEqual(['100.101.102.103', '100.99.0.5:1234']);
    expect(await tailscale.resolve(proxied({}))).toBeNull();
    expect(standIn!.requests).toHaveLength(2);
  });

  it('answers null for Funnel requests without asking tailscaled', async () => {
    const tailscale = await resolver({}, TRUSTING_LOOPBACK);
    expect(await tailscale.resolve(proxied({ 'x-forwarded-for': ALICE_LAPTOP.ip, 'tailscale-funnel-request': '?1' }))).toBeNull();
    expect(standIn!.requests).toHaveLength(0);
  });

  it('answers null for an address not on the tailnet, and for a peer with no address', async () => {
    const tailscale = await resolver();
    expect(await tailscale.resolve(request('100.64.0.99', 1234))).toBeNull();
    expect(await tailscale.resolve(request(undefined))).toBeNull();
    expect(standIn!.requests).toHaveLength(1);
  });

  it('throws IdentityUnavailableError, with one warning, when tailscaled is too slow', async () => {
    const tailscale = await resolver({ delayMs: 2000 });
    const started = Date.now();
    const error = await tailscale.resolve(request(ALICE_LAPTOP.ip, 1)).catch((reason: unknown) => reason);
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(IdentityUnavailableError);
    expect(error).toMatchObject({ source: 'tailscale', message: `tailscaled did not answer on ${standIn!.socketPath} within 200 ms` });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(`tailscaled did not answer on ${standIn!.socketPath} within 200 ms`);
  });

  it('throws IdentityUnavailableError quickly when the socket is dead', async () => {
    const dead = await LocalApiStandIn.deadSocket('refusing');
    try {
      const tailscale = createTailscaleIdentityResolver({ socket: dead.socketPath, timeoutMs: 2000, issuer: ISSUER, taggedNodes: 'refuse' });
      const started = Date.now();
      await expect(tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).rejects.toThrow(new IdentityUnavailableError('tailscale', `nothing is listening on ${dead.socketPath} (is tailscaled running?)`));
      expect(Date.now() - started).toBeLessThan(150);
    } finally {
      await rm(dead.directory, { recursive: true, force: true });
    }
  });

  it('throws IdentityUnavailableError naming the field for a malformed answer, and does not cache failures', async () => {
    const tailscale = await resolver({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json.replace('"Key": "nodekey:', '"Key": 7, "Was": "nodekey:') } });
    await expect(tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).rejects.toThrow('Node.Key is not a string');
    await expect(tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).rejects.toBeInstanceOf(IdentityUnavailableError);
    standIn!.whois.set(ALICE_LAPTOP.ip, '{"Node":');
    await expect(tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).rejects.toThrow(/unusable answer: not valid JSON/);
    standIn!.whois.set(ALICE_LAPTOP.ip, ALICE_LAPTOP.json);
    expect(await tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).toEqual(aliceIdentity);
    expect(standIn!.requests).toHaveLength(4);
  });

  it('caches answers, including "nobody", per address for five seconds', async () => {
    const tailscale = await resolver();
    const first = await tailscale.resolve(request(ALICE_LAPTOP.ip, 1));
    clock += WHOIS_CACHE_TTL_MS - 1;
    expect(await tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).toBe(first);
    expect(await tailscale.resolve(request('100.64.0.99', 1))).toBeNull();
    expect(await tailscale.resolve(request('100.64.0.99', 1))).toBeNull();
    expect(standIn!.requests).toHaveLength(2);
    clock += 1;
    expect(await tailscale.resolve(request(ALICE_LAPTOP.ip, 1))).toEqual(aliceIdentity);
    expect(standIn!.whoisAddresses()).toEqual(['100.101.102.103:1', '100.64.0.99:1', '100.101.102.103:1']);
    expect(Object.isFrozen(first) && Object.isFrozen(first!.claims)).toBe(true);
  });

  it('shares one LocalAPI request among concurrent lookups of an address', async () => {
    const tailscale = await resolver();
    const answers = await Promise.all(Array.from({ length: 5 }, () => tailscale.resolve(request(ALICE_LAPTOP.ip, 7))));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toEqual(aliceIdentity);
    expect(standIn!.requests).toHaveLength(1);
  });

  it('refuses tagged nodes, logging once per node per cache period', async () => {
    const tailscale = await resolver();
    expect(await tailscale.resolve(request(TAGGED_SERVER.ip, 1))).toBeNull();
    expect(await tailscale.resolve(request(TAGGED_SERVER.ip, 2))).toBeNull();
    expect(standIn!.requests).toHaveLength(2);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('refused: node build-server.tail1234.ts.net. is tagged (tag:server, tag:ci) and MESHID_TAGGED_NODES is refuse');
    clock += WHOIS_CACHE_TTL_MS;
    expect(await tailscale.resolve(request(TAGGED_SERVER.ip, 3))).toBeNull();
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('makes tagged nodes machine identities when configured', async () => {
    const tailscale = await resolver({}, { taggedNodes: 'machine' });
    expect(await tailscale.resolve(request(TAGGED_SERVER.ip, 1))).toMatchObject({ subject: 'nodeid:5004003002001', claims: { tags: ['tag:server', 'tag:ci'] } });
  });

  it('resolves a node by its tailnet address, always asking tailscaled afresh and refreshing the cache', async () => {
    const tailscale = await resolver({}, TRUSTING_LOOPBACK);
    expect(await tailscale.resolveNodeAddress(ALICE_LAPTOP.ip)).toEqual(aliceIdentity);
    expect(await tailscale.resolve(proxied({ 'x-forwarded-for': ALICE_LAPTOP.ip }))).toEqual(aliceIdentity);
    expect(await tailscale.resolveNodeAddress(`::ffff:${ALICE_LAPTOP.ip}`)).toEqual(aliceIdentity);
    expect(await tailscale.resolveNodeAddress(TAGGED_SERVER.ip)).toBeNull();
    expect(await tailscale.resolveNodeAddress('100.64.0.99')).toBeNull();
    expect(standIn!.whoisAddresses()).toEqual(['100.101.102.103', '100.101.102.103', '100.64.10.20', '100.64.0.99']);
  });

  it('is built by Nest from MeshidConfig and TrustedProxies', async () => {
    standIn = await LocalApiStandIn.start({ whois: { [ALICE_LAPTOP.ip]: ALICE_LAPTOP.json } });
    const config = Object.assign(new MeshidConfig(), { tailscaleSocket: standIn.socketPath, issuer: ISSUER });
    const moduleRef = await Test.createTestingModule({ providers: [{ provide: MeshidConfig, useValue: config }, TrustedProxies, TailscaleIdentityResolver] }).compile();
    const tailscale = moduleRef.get(TailscaleIdentityResolver);
    expect(await tailscale.resolve(request(ALICE_LAPTOP.ip, 9))).toEqual(aliceIdentity);
    await moduleRef.close();
  });
});
