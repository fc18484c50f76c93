import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses a metadata-document fetch may connect to. Callers choose the URL, so without
 * this check meshid could be made to send requests into its own network (SSRF): to its loopback
 * services, the tailnet, cloud metadata endpoints.
 *
 * - `public`: globally routable unicast; any host may use it;
 * - `private`: loopback, RFC 1918, link-local, CGNAT (Tailscale's 100.64/10), unique-local
 *   (Tailscale's fd7a:115c:a1e0::/48): only hosts listed in clientIdMetadataPrivateHosts;
 * - `special`: addresses no web server should have (unspecified, multicast, broadcast, reserved,
 *   documentation, benchmarking, deprecated transition forms): never.
 *
 * IPv6 is judged by allow-list (only 2000::/3 global unicast, minus its special blocks), so a
 * block left out here is refused rather than let through. IPv6 forms that carry an IPv4 address
 * the packets really go to (IPv4-mapped, NAT64) are judged by that IPv4 address.
 */
export type AddressClass = { scope: 'public' } | { scope: 'private' | 'special'; range: string };

type Scope = 'private' | 'special';

/** IPv4 blocks (RFC 6890 and its updates): [first address, prefix length, scope, name]. */
const IPV4_BLOCKS: ReadonlyArray<readonly [string, number, Scope, string]> = [
  ['255.255.255.255', 32, 'special', 'broadcast'],
  ['0.0.0.0', 8, 'special', '"this network" (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'private', 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'private', 'shared CGNAT / tailnet (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'private', 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'private', 'link-local (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'private', 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'special', 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'special', 'documentation (192.0.2.0/24)'],
  ['192.88.99.0', 24, 'special', 'deprecated 6to4 relay (192.88.99.0/24)'],
  ['192.168.0.0', 16, 'private', 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'special', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'special', 'documentation (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'special', 'documentation (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'special', 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'special', 'reserved (240.0.0.0/4)'],
];

/** Classifies an IPv4 or IPv6 address (IPv6 may carry a zone, `fe80::1%eth0`). */
export function classifyAddress(address: string): AddressClass {
  if (isIPv4(address)) return classifyIpv4(ipv4ToNumber(address));
  const groups = parseIpv6(address);
  if (groups === null) return { scope: 'special', range: 'not an IP address' };
  return classifyIpv6(groups);
}

/** Whether any host may connect to `address`. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address).scope === 'public';
}

function classifyIpv4(value: number): AddressClass {
  for (const [first, prefix, scope, range] of IPV4_BLOCKS) {
    if (inPrefix(value, ipv4ToNumber(first), prefix)) return { scope, range };
  }
  return { scope: 'public' };
}

function classifyIpv6(g: number[]): AddressClass {
  const zeroUpTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  const embeddedIpv4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const via = (form: string, inner: AddressClass): AddressClass => (inner.scope === 'public' ? inner : { scope: inner.scope, range: `${form} ${inner.range}` });

  if (zeroUpTo(8)) return { scope: 'special', range: 'unspecified (::)' };
  if (zeroUpTo(7) && g[7] === 1) return { scope: 'private', range: 'loopback (::1)' };
  if (zeroUpTo(5) && g[5] === 0xffff) return via('IPv4-mapped', classifyIpv4(embeddedIpv4));
  if (zeroUpTo(6)) return { scope: 'special', range: 'deprecated IPv4-compatible (::/96)' };
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return via('NAT64', classifyIpv4(embeddedIpv4));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return { scope: 'private', range: 'local-use NAT64 (64:ff9b:1::/48)' };
  if ((g[0]! & 0xfe00) === 0xfc00) return { scope: 'private', range: 'unique-local (fc00::/7)' };
  if ((g[0]! & 0xffc0) === 0xfe80) return { scope: 'private', range: 'link-local (fe80::/10)' };
  if ((g[0]! & 0xffc0) === 0xfec0) return { scope: 'special', range: 'deprecated site-local (fec0::/10)' };
  if ((g[0]! & 0xff00) === 0xff00) return { scope: 'special', range: 'multicast (ff00::/8)' };
  if ((g[0]! & 0xe000) !== 0x2000) return { scope: 'special', range: 'reserved (outside 2000::/3)' };
  if (g[0] === 0x2001 && g[1] === 0x0db8) return { scope: 'special', range: 'documentation (2001:db8::/32)' };
  if (g[0] === 0x3fff && (g[1]! & 0xf000) === 0) return { scope: 'special', range: 'documentation (3fff::/20)' };
  // Teredo, benchmarking, ORCHID and other protocol blocks; Teredo also tunnels to hidden IPv4.
  if (g[0] === 0x2001 && g[1]! < 0x0200) return { scope: 'special', range: 'IETF protocol assignments (2001::/23)' };
  if (g[0] === 0x2002) return { scope: 'special', range: 'deprecated 6to4 (2002::/16)' };
  return { scope: 'public' };
}

function inPrefix(value: number, first: number, prefix: number): boolean {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return ((value & mask) >>> 0) === first;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** The eight 16-bit groups of an IPv6 address, or null if `address` is not one. */
function parseIpv6(address: string): number[] | null {
  const text = address.split('%')[0]!;
  if (!isIPv6(text)) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const ipv4 = ipv4ToNumber(text.slice(lastColon + 1));
    tail.push(ipv4 >>> 16, ipv4 & 0xffff);
    // Keep `::` whole ("::1.2.3.4"); drop a lone separator ("::ffff:1.2.3.4").
    head = text.slice(0, text.endsWith('::', lastColon + 1) ? lastColon + 1 : lastColon);
  }
  const hex = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const gap = head.indexOf('::');
  let groups: number[];
  if (gap === -1) groups = hex(head);
  else {
    const left = hex(head.slice(0, gap));
    const right = hex(head.slice(gap + 2));
    groups = [...left, ...new Array<number>(8 - tail.length - left.length - right.length).fill(0), ...right];
  }
  groups.push(...tail);
  return groups.length === 8 ? groups : null;
}
