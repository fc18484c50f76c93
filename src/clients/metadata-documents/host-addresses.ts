import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress } from './address-classifier.js';
import { errorCode, FetchRefusal } from './fetch-refusal.js';

/** Every address a host name resolves to (dns.lookup with `all`); injectable for tests. */
export type HostLookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The addresses the fetch of a document on `hostname` (a URL's hostname, IPv6 in brackets) may
 * connect to. All must be allowed, not just one: the connection is pinned to these very
 * addresses afterwards, and it may use any of them. Hosts in `privateHosts` may resolve to
 * private addresses (loopback, RFC 1918, tailnet); no host may resolve to special ones
 * (unspecified, multicast, reserved...). Refusals never show a resolved address: the caller chose
 * the name, not what meshid's resolver says about it.
 */
export async function allowedAddresses(hostname: string, privateHosts: ReadonlySet<string>, lookup: HostLookup): Promise<LookupAddress[]> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const privateAllowed = privateHosts.has(hostname) || privateHosts.has(bare);
  const family = isIP(bare);
  if (family !== 0) {
    const verdict = classifyAddress(bare);
    if (verdict.scope === 'public' || (verdict.scope === 'private' && privateAllowed)) return [{ address: bare, family }];
    throw new FetchRefusal(`address ${bare} is ${verdict.range}, which meshid does not fetch from${verdict.scope === 'private' ? unlistedHint : ''}`);
  }

  let addresses: readonly LookupAddress[];
  try {
    addresses = await lookup(bare);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw new FetchRefusal(`host ${bare} does not resolve`);
    throw new FetchRefusal(`host ${bare} could not be resolved${code === undefined ? '' : ` (${code})`}`);
  }
  if (addresses.length === 0) throw new FetchRefusal(`host ${bare} does not resolve`);
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (verdict.scope === 'special') throw new FetchRefusal(`host ${bare} resolves to a reserved or non-unicast address`);
    if (verdict.scope === 'private' && !privateAllowed) throw new FetchRefusal(`host ${bare} resolves to a private address${unlistedHint}`);
  }
  return addresses.map(({ address, family }) => ({ address, family }));
}

const unlistedHint = ' (private addresses are fetched only for hosts in clientIdMetadataPrivateHosts)';
