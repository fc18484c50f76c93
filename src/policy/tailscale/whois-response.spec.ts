import { describe, expect, it } from '@jest/globals';
import { ALICE_LAPTOP, BOB_GITHUB, GROUPS_USER, SHARED_NODE, TAGGED_SERVER } from '../testing/whois-fixtures.js';
import { parseWhoIs } from './whois-response.js';

/** A fixture's JSON with one used field replaced by raw JSON text. */
function withField(json: string, field: string, raw: string): string {
  const pattern = new RegExp(`("${field}": )(?:"[^"]*"|-?\\d+|\\[[^\\]]*\\]|null|true|false)`);
  expect(pattern.test(json)).toBe(true);
  return json.replace(pattern, `$1${raw}`);
}

describe('parseWhoIs', () => {
  it('reads the fields meshid uses, with int64 ids as exact decimal strings', () => {
    expect(parseWhoIs(ALICE_LAPTOP.json)).toEqual({
      Node: {
        ID: '9007199254740993',
        Name: 'alice-laptop.tail1234.ts.net.',
        User: '7743467757367193',
        Key: 'nodekey:5f1c0e3a9b7d24688e0f4a1c2b3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d',
        Addresses: ['100.101.102.103/32', 'fd7a:115c:a1e0::1234:5678/128'],
        ComputedName: 'alice-laptop',
        Hostinfo: { Hostname: 'alice-laptop' },
      },
      UserProfile: {
        ID: '7743467757367193',
        LoginName: 'alice@example.com',
        DisplayName: 'Alice Example',
        ProfilePicURL: 'https://lh3.googleusercontent.com/a/alice=s96-c',
      },
      CapMap: {
        'tailscale.com/cap/tsidp': [
          { allow_admin_ui: true, allow_dcr: true },
          { users: ['*'], resources: ['*'], extraClaims: { team: 'blue', clearance: 3 }, includeInUserInfo: true },
        ],
        'example.com/cap/other-app': [{ anything: [1, 2, 3] }],
      },
    });
  });

  it('keeps ids above 2^53 exact, where JSON.parse would round them', () => {
    expect(JSON.parse(ALICE_LAPTOP.json).Node.ID).toBe(9007199254740992);
    expect(parseWhoIs(ALICE_LAPTOP.json).Node.ID).toBe('9007199254740993');
    const carol = parseWhoIs(GROUPS_USER.json);
    expect(carol.Node.User).toBe('18014398509481985');
    expect(carol.UserProfile.ID).toBe('18014398509481985');
    expect(parseWhoIs(withField(ALICE_LAPTOP.json, 'ID', '9223372036854775807')).Node.ID).toBe('9223372036854775807');
  });

  it('reads tags, groups as sent, and accepts absent optional fields', () => {
    expect(parseWhoIs(TAGGED_SERVER.json).Node.Tags).toEqual(['tag:server', 'tag:ci']);
    expect(parseWhoIs(GROUPS_USER.json).UserProfile.Groups).toEqual(['group:eng', 'eng@example.com', 'group:eng', 42]);
    const bob = parseWhoIs(BOB_GITHUB.json);
    expect(bob.UserProfile.ProfilePicURL).toBeUndefined();
    expect(bob.CapMap).toBeUndefined();
    expect(parseWhoIs(SHARED_NODE.json).UserProfile.ProfilePicURL).toBe('');

    const minimal = parseWhoIs(
      '{"Node":{"ID":1,"Name":"n.tail.ts.net.","Key":"nodekey:00","Addresses":null,"Tags":null,"Hostinfo":{}},"UserProfile":{"ID":2,"LoginName":"x@example.com","Groups":null},"CapMap":null}',
    );
    expect(minimal).toEqual({
      Node: { ID: '1', Name: 'n.tail.ts.net.', User: '0', Key: 'nodekey:00', Addresses: [], Hostinfo: {} },
      UserProfile: { ID: '2', LoginName: 'x@example.com' },
    });
  });

  it('ignores fields it does not use, whatever they hold', () => {
    const odd = ALICE_LAPTOP.json
      .replace('"KeyExpiry": "2027-05-21T09:12:44Z"', '"KeyExpiry": 12345678901234567890123')
      .replace('"Cap": 130', '"Cap": "one hundred and thirty", "Sharer": "nobody", "Future": {"x": [1, {"y": null}]}');
    expect(parseWhoIs(odd)).toEqual(parseWhoIs(ALICE_LAPTOP.json));
  });

  it('names the field when a used one has the wrong type', () => {
    const cases: Array<[string, string, string]> = [
      ['ID', '"9007199254740993"', 'Node.ID is not an integer'],
      ['ID', '1.5', 'Node.ID is not an integer'],
      ['Name', '42', 'Node.Name is not a string'],
      ['User', 'true', 'Node.User is not an integer'],
      ['Key', 'null', 'Node.Key is not a string'],
      ['Addresses', '["100.101.102.103/32", 7]', 'Node.Addresses is not an array of strings'],
      ['ComputedName', '[]', 'Node.ComputedName is not a string'],
      ['LoginName', '{}', 'UserProfile.LoginName is not a string'],
      ['DisplayName', '0', 'UserProfile.DisplayName is not a string'],
      ['ProfilePicURL', 'false', 'UserProfile.ProfilePicURL is not a string'],
    ];
    for (const [field, raw, message] of cases) expect(() => parseWhoIs(withField(ALICE_LAPTOP.json, field, raw))).toThrow(message);
    expect(() => parseWhoIs(withField(TAGGED_SERVER.json, 'Tags', '"tag:server"'))).toThrow('Node.Tags is not an array of strings');
    expect(() => parseWhoIs(GROUPS_USER.json.replace(/"Groups": \[[^\]]*\]/, '"Groups": "group:eng"'))).toThrow('UserProfile.Groups is not an array');
    expect(() => parseWhoIs(ALICE_LAPTOP.json.replace('"Hostname": "alice-laptop"', '"Hostname": 1'))).toThrow('Node.Hostinfo.Hostname is not a string');
    expect(() => parseWhoIs('{"Node":{},"UserProfile":{}}')).toThrow('Node.ID is not an integer');
    expect(() => parseWhoIs('{"UserProfile":{}}')).toThrow('Node is not an object');
    expect(() => parseWhoIs('{"Node":{"ID":1,"Name":"","Key":"","Addresses":[]}}')).toThrow('UserProfile is not an object');
    expect(() => parseWhoIs('[]')).toThrow('the answer is not an object');
    expect(() => parseWhoIs(ALICE_LAPTOP.json.replace(/"CapMap": \{\s*"tailscale/, '"CapMap": 5, "x": {"tailscale'))).toThrow('CapMap is not an object');
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseWhoIs('{"Node": {')).toThrow(/^not valid JSON/);
    expect(() => parseWhoIs('')).toThrow(/^not valid JSON/);
  });
});
