import { describe, expect, it } from '@jest/globals';
import { ALICE_LAPTOP, BOB_GITHUB, GROUPS_USER, SHARED_NODE, TAGGED_SERVER } from '../testing/whois-fixtures.js';
import { identityFromWhois, int64Claim, type WhoisIdentityOptions } from './whois-identity.js';
import { parseWhoIs } from './whois-response.js';

const refuse: WhoisIdentityOptions = { issuerHost: 'idp.tail1234.ts.net', taggedNodes: 'refuse' };
const machine: WhoisIdentityOptions = { ...refuse, taggedNodes: 'machine' };
const identityOf = (json: string, options = refuse) => identityFromWhois(parseWhoIs(json), options);

describe('identityFromWhois', () => {
  it("maps a person's device to tsidp's claims, with nid exact beyond 2^53", () => {
    expect(identityOf(ALICE_LAPTOP.json)).toEqual({
      source: 'tailscale',
      subject: 'userid:7743467757367193',
      login: 'alice@example.com',
      claims: {
        name: 'Alice Example',
        email: 'alice@example.com',
        email_verified: true,
        preferred_username: 'alice',
        picture: 'https://lh3.googleusercontent.com/a/alice=s96-c',
        groups: [],
        nid: '9007199254740993',
        node: 'alice-laptop.tail1234.ts.net.',
        tailnet: 'tail1234.ts.net.',
        addresses: ['100.101.102.103/32', 'fd7a:115c:a1e0::1234:5678/128'],
        key: 'nodekey:5f1c0e3a9b7d24688e0f4a1c2b3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d',
        uid: 7743467757367193,
      },
      capabilities: [
        { allow_admin_ui: true, allow_dcr: true },
        { users: ['*'], resources: ['*'], extraClaims: { team: 'blue', clearance: 3 }, includeInUserInfo: true },
      ],
      node: {
        id: '9007199254740993',
        name: 'alice-laptop.tail1234.ts.net.',
        addresses: ['100.101.102.103/32', 'fd7a:115c:a1e0::1234:5678/128'],
        tags: [],
        key: 'nodekey:5f1c0e3a9b7d24688e0f4a1c2b3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d',
        userId: '7743467757367193',
      },
    });
  });

  it('gives bob@github the realish address, unverified, and no picture', () => {
    expect(identityOf(BOB_GITHUB.json)).toEqual({
      source: 'tailscale',
      subject: 'userid:445566778899',
      login: 'bob@github',
      claims: {
        name: 'Bob B.',
        email: 'bob@github.idp.tail1234.ts.net',
        email_verified: false,
        preferred_username: 'bob',
        groups: [],
        nid: 600700800,
        node: 'bobs-phone.tail1234.ts.net.',
        tailnet: 'tail1234.ts.net.',
        addresses: ['100.99.0.5/32', 'fd7a:115c:a1e0::6300:5/128'],
        key: 'nodekey:23cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf780',
        uid: 445566778899,
      },
      capabilities: [],
      node: {
        id: '600700800',
        name: 'bobs-phone.tail1234.ts.net.',
        addresses: ['100.99.0.5/32', 'fd7a:115c:a1e0::6300:5/128'],
        tags: [],
        key: 'nodekey:23cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf780',
        userId: '445566778899',
      },
    });
  });

  it('carries profile groups (strings, once each) and keeps a uid beyond 2^53 a string', () => {
    const carol = identityOf(GROUPS_USER.json);
    expect(carol).toMatchObject({ subject: 'userid:18014398509481985', login: 'carol.jones@example.com', capabilities: [] });
    expect(!('refused' in carol) && carol.claims).toEqual({
      name: 'Carol Jones',
      email: 'carol.jones@example.com',
      email_verified: true,
      preferred_username: 'carol.jones',
      groups: ['group:eng', 'eng@example.com'],
      nid: 777000777,
      node: 'carol-mbp.tail1234.ts.net.',
      tailnet: 'tail1234.ts.net.',
      addresses: ['100.77.7.7/32'],
      key: 'nodekey:2e5017492e5017492e5017492e5017492e5017492e5017492e5017492e501749',
      uid: '18014398509481985',
    });
  });

  it('makes a node shared in from another tailnet its owner, with an empty picture left out', () => {
    const dana = identityOf(SHARED_NODE.json);
    expect(dana).toMatchObject({ subject: 'userid:31415926535', login: 'dana@example.org', node: { userId: '31415926535', name: 'dana-desktop.tail9876.ts.net.' } });
    expect(!('refused' in dana) && dana.claims).toEqual({
      name: 'Dana Shared',
      email: 'dana@example.org',
      email_verified: true,
      preferred_username: 'dana',
      groups: [],
      nid: 4815162342,
      node: 'dana-desktop.tail9876.ts.net.',
      tailnet: 'tail9876.ts.net.',
      addresses: ['100.88.1.2/32', 'fd7a:115c:a1e0::5801:102/128'],
      key: 'nodekey:11f018be611f018be611f018be611f018be611f018be611f018be611f018be61',
      uid: 31415926535,
    });
  });

  it('refuses a tagged node unless tagged nodes are machines', () => {
    expect(identityOf(TAGGED_SERVER.json)).toEqual({
      refused: 'node build-server.tail1234.ts.net. is tagged (tag:server, tag:ci) and MESHID_TAGGED_NODES is refuse',
    });
    expect(identityOf(TAGGED_SERVER.json, machine)).toEqual({
      source: 'tailscale',
      subject: 'nodeid:5004003002001',
      login: 'build-server.tail1234.ts.net',
      claims: {
        name: 'build-server',
        preferred_username: 'build-server',
        groups: [],
        tags: ['tag:server', 'tag:ci'],
        nid: 5004003002001,
        node: 'build-server.tail1234.ts.net.',
        tailnet: 'tail1234.ts.net.',
        addresses: ['100.64.10.20/32', 'fd7a:115c:a1e0::a14:14/128'],
        key: 'nodekey:48d15d2469148d15d2469148d15d2469148d15d2469148d15d2469148d15d246',
      },
      capabilities: [{ users: ['*'], resources: ['https://ci.example.com'] }],
      node: {
        id: '5004003002001',
        name: 'build-server.tail1234.ts.net.',
        addresses: ['100.64.10.20/32', 'fd7a:115c:a1e0::a14:14/128'],
        tags: ['tag:server', 'tag:ci'],
        key: 'nodekey:48d15d2469148d15d2469148d15d2469148d15d2469148d15d2469148d15d246',
        userId: '123456789012',
      },
    });
  });

  it("names a machine by ComputedName, else Hostinfo's host name, else the first label", () => {
    const withoutComputed = TAGGED_SERVER.json.replace(/\s*"ComputedName": "build-server",/, '');
    expect(identityOf(withoutComputed, machine)).toMatchObject({ claims: { name: 'ip-10-0-3-17', preferred_username: 'build-server' } });
    const bare = withoutComputed.replace('"Hostname": "ip-10-0-3-17"', '"Hostname": ""');
    expect(identityOf(bare, machine)).toMatchObject({ claims: { name: 'build-server' } });
  });

  it('falls back to the login for the name and leaves out what cannot be derived', () => {
    const json =
      '{"Node":{"ID":3,"Name":"x","User":9,"Key":"nodekey:00","Addresses":["100.64.0.3/32"]},"UserProfile":{"ID":9,"LoginName":"z@passkey","DisplayName":""},"CapMap":{"tailscale.com/cap/tsidp":{"not":"an array"}}}';
    expect(identityOf(json)).toEqual({
      source: 'tailscale',
      subject: 'userid:9',
      login: 'z@passkey',
      claims: { name: 'z@passkey', email: 'z@passkey.idp.tail1234.ts.net', email_verified: false, groups: [], nid: 3, node: 'x', addresses: ['100.64.0.3/32'], key: 'nodekey:00', uid: 9 },
      capabilities: [],
      node: { id: '3', name: 'x', addresses: ['100.64.0.3/32'], tags: [], key: 'nodekey:00', userId: '9' },
    });
  });

  it('sends an int64 as a number only while it is exact', () => {
    expect(int64Claim('0')).toBe(0);
    expect(int64Claim('9007199254740991')).toBe(9007199254740991);
    expect(int64Claim('9007199254740992')).toBe('9007199254740992');
    expect(int64Claim('9223372036854775807')).toBe('9223372036854775807');
  });
});
