import { describe, expect, it } from '@jest/globals';
import { classifyAddress, isPublicAddress } from './address-classifier.js';

describe('classifyAddress', () => {
  it.each([
    '1.1.1.1', '8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '169.253.255.255', '223.255.255.255', '9.255.255.255', '11.0.0.0',
    '2606:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:80b::200e', '::ffff:1.1.1.1', '::ffff:0101:0101',
    '64:ff9b::1.1.1.1', '64:ff9b::808:808', '2001:200::1', '3fff:1000::1', '2003::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ scope: 'public' });
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private (10.0.0.0/8)'],
    ['10.255.255.255', 'private (10.0.0.0/8)'],
    ['172.16.0.1', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.168.1.1', 'private (192.168.0.0/16)'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.101.102.103', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['::1', 'loopback (::1)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['febf::1', 'link-local (fe80::/10)'],
    ['fc00::1', 'unique-local'],
    ['fd00::1', 'unique-local'],
    ['fd7a:115c:a1e0::1', 'unique-local'],
    ['fd7a:115c:a1e0:ab12:4843:cd96:6258:b240', 'unique-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:100.100.100.100', 'IPv4-mapped shared CGNAT'],
    ['64:ff9b::10.0.0.1', 'NAT64 private'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 link-local'],
    ['64:ff9b:1::1.1.1.1', 'local-use NAT64'],
  ])('%s is private: %s', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.scope).toBe('private');
    expect(verdict.scope !== 'public' && verdict.range).toContain(range);
  });

  it.each([
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['192.0.0.8', 'IETF protocol'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.88.99.1', '6to4 relay'],
    ['::', 'unspecified'],
    ['::0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::1.1.1.1', 'IPv4-compatible'],
    ['::ffff:0.0.0.0', 'IPv4-mapped "this network"'],
    ['::ffff:255.255.255.255', 'IPv4-mapped broadcast'],
    ['::ffff:224.0.0.1', 'IPv4-mapped multicast'],
    ['64:ff9b::192.0.2.1', 'NAT64 documentation'],
    ['64:ff9b::ffff:ffff', 'NAT64 broadcast'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['fec0::1', 'site-local'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation (3fff::/20)'],
    ['3fff:fff::1', 'documentation (3fff::/20)'],
    ['2001::1', 'IETF protocol assignments'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IETF protocol assignments'],
    ['2001:2::1', 'IETF protocol assignments'],
    ['2001:1ff::1', 'IETF protocol assignments'],
    ['2002:c000:0204::1', '6to4'],
    ['2002:0a00:0001::1', '6to4'],
    ['100::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['::ffff:0:1.1.1.1', 'reserved'],
    ['localhost', 'not an IP address'],
    ['1.1.1', 'not an IP address'],
    ['', 'not an IP address'],
  ])('%s is special: %s', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.scope).toBe('special');
    expect(verdict.scope !== 'public' && verdict.range).toContain(range);
    expect(isPublicAddress(address)).toBe(false);
  });
});
