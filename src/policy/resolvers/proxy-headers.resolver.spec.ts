import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { MeshidConfig } from '../../config/meshid-config.js';
import { TrustedProxies } from '../trusted-proxies.js';
import { decodeEncodedWords } from './encoded-words.js';
import { ProxyHeadersIdentityResolver } from './proxy-headers.resolver.js';

Logger.overrideLogger(false);

const config = Object.assign(new MeshidConfig(), { issuer: 'https://idp.tail1234.ts.net', trustedProxies: ['127.0.0.1/32'] });
const resolver = new ProxyHeadersIdentityResolver(config, new TrustedProxies(config));
const fromProxy = (headers: Record<string, string>) => ({ socket: { remoteAddress: '127.0.0.1' }, headers });

describe('RFC 2047 encoded words', () => {
  it('decodes Q and B words in UTF-8, joining adjacent words', () => {
    expect(decodeEncodedWords('=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=')).toBe('Jürgen Müller');
    expect(decodeEncodedWords('=?UTF-8?B?SsO8cmdlbg==?=')).toBe('Jürgen');
    expect(decodeEncodedWords('=?utf-8?q?Jos=C3=A9?= =?utf-8?q?_Garc=C3=ADa?=')).toBe('José García');
    expect(decodeEncodedWords('plain@example.com')).toBe('plain@example.com');
  });

  it('refuses what it cannot decode exactly', () => {
    expect(decodeEncodedWords('=?iso-2022-jp?q?x?=')).toBeNull();
    expect(decodeEncodedWords('=?utf-8?q?bad=ZZ?=')).toBeNull();
    expect(decodeEncodedWords('=?utf-8?q?=C3?=')).toBeNull();
    expect(decodeEncodedWords('=?utf-8?b?not*base64?=')).toBeNull();
  });
});

describe('the proxy-headers resolver', () => {
  it('builds the identity tailscale serve describes, with tsidp email rules and forwarded grants', () => {
    const identity = resolver.resolve(
      fromProxy({
        'tailscale-user-login': 'bob@github',
        'tailscale-user-name': '=?utf-8?q?B=C3=B6b?=',
        'tailscale-user-profile-pic': 'https://avatars.example/bob.png',
        'tailscale-app-capabilities': JSON.stringify({ 'tailscale.com/cap/tsidp': [{ allow_admin_ui: true }], 'other/cap': [{}] }),
      }),
    );
    expect(identity).toEqual({
      source: 'proxy-headers',
      subject: 'login:bob@github',
      login: 'bob@github',
      claims: {
        name: 'Böb',
        email: 'bob@github.idp.tail1234.ts.net',
        email_verified: false,
        preferred_username: 'bob',
        picture: 'https://avatars.example/bob.png',
        groups: [],
      },
      capabilities: [{ allow_admin_ui: true }],
    });
  });

  it('ignores the headers from anyone but a trusted proxy, and Funnel traffic', () => {
    const headers = { 'tailscale-user-login': 'alice@example.com' };
    expect(resolver.resolve({ socket: { remoteAddress: '100.64.0.1' }, headers })).toBeNull();
    expect(resolver.resolve(fromProxy({ ...headers, 'tailscale-funnel-request': '?1' }))).toBeNull();
    expect(resolver.resolve(fromProxy(headers))?.subject).toBe('login:alice@example.com');
  });

  it('recognises nobody from an empty, undecodable or control-character login, and drops a bad picture or capability header', () => {
    expect(resolver.resolve(fromProxy({}))).toBeNull();
    expect(resolver.resolve(fromProxy({ 'tailscale-user-login': '' }))).toBeNull();
    expect(resolver.resolve(fromProxy({ 'tailscale-user-login': '=?utf-8?q?=FF?=' }))).toBeNull();
    expect(resolver.resolve(fromProxy({ 'tailscale-user-login': 'a\u0007b@example.com' }))).toBeNull();
    const identity = resolver.resolve(
      fromProxy({ 'tailscale-user-login': 'carol@example.com', 'tailscale-user-profile-pic': 'javascript:alert(1)', 'tailscale-app-capabilities': '{not json' }),
    );
    expect(identity?.claims).not.toHaveProperty('picture');
    expect(identity?.capabilities).toEqual([]);
    expect(identity?.claims).toMatchObject({ email: 'carol@example.com', email_verified: true, name: 'carol@example.com' });
  });
});
