import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import { isRealEmail, preferredUsername } from './claim-rules.js';
import { devIdentity, DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { isLoopbackAddress } from './resolvers/loopback.js';

Logger.overrideLogger(false);

const request = (remoteAddress: string | undefined, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers });

function config(devIdentityValue: string | undefined, identity: MeshidConfig['identity'] = ['dev']): MeshidConfig {
  const c = new MeshidConfig();
  if (devIdentityValue !== undefined) c.devIdentity = devIdentityValue;
  c.identity = identity;
  return c;
}

describe('dev identity', () => {
  it('builds an identity from a plain login name', () => {
    expect(devIdentity('Alice.Smith@example.com', 'idp.example.com')).toEqual({
      source: 'dev',
      subject: 'dev:Alice.Smith@example.com',
      login: 'Alice.Smith@example.com',
      claims: {
        name: 'Alice.Smith@example.com',
        email: 'Alice.Smith@example.com',
        email_verified: true,
        preferred_username: 'alice.smith',
        groups: [],
      },
      capabilities: [],
    });
  });

  it('builds an identity from the JSON form, ignoring fields of the wrong type', () => {
    const identity = devIdentity(JSON.stringify({ login: 'bob@github', name: 'Bob B', groups: ['admins', 7, 'admins', 'ops'], caps: [{}] }), 'idp.example.com');
    expect(identity.subject).toBe('dev:bob@github');
    // The same claims a tailnet login of bob@github gets: tsidp's address under meshid's host, unverified.
    expect(identity.claims).toEqual({ name: 'Bob B', email: 'bob@github.idp.example.com', email_verified: false, preferred_username: 'bob', groups: ['admins', 'ops'] });
    expect(identity.capabilities).toEqual([{}]);
    expect(devIdentity('{"login":"carol@passkey","name":42}', 'idp.example.com').claims.name).toBe('carol@passkey');
  });

  it('derives preferred_username by the Headscale rule and email_verified only for real domains', () => {
    expect(preferredUsername('1st+Tag_x@example.com')).toBe('st-tag_x');
    expect(preferredUsername('42@example.com')).toBeUndefined();
    expect(preferredUsername('Dave')).toBe('dave');
    expect(preferredUsername('a@example.com')).toBeUndefined();
    expect(preferredUsername('9x@example.com')).toBeUndefined();
    expect(preferredUsername('ab@example.com')).toBe('ab');
    expect(isRealEmail('a@example.co.uk')).toBe(true);
    expect(isRealEmail('a@github')).toBe(false);
    expect(isRealEmail('a@passkey')).toBe(false);
    expect(isRealEmail('not-an-email')).toBe(false);
  });

  it('answers only callers whose TCP peer address is loopback, whatever the headers say', () => {
    const resolver = new DevIdentityResolver(config('alice@example.com'));
    expect(resolver.resolve(request('127.0.0.1'))?.subject).toBe('dev:alice@example.com');
    expect(resolver.resolve(request('127.8.9.10'))).not.toBeNull();
    expect(resolver.resolve(request('::1'))).not.toBeNull();
    expect(resolver.resolve(request('::ffff:127.0.0.1'))).not.toBeNull();
    expect(resolver.resolve(request('100.64.0.7', { 'x-forwarded-for': '127.0.0.1' }))).toBeNull();
    expect(resolver.resolve(request('::ffff:10.0.0.1'))).toBeNull();
    expect(resolver.resolve(request(undefined))).toBeNull();
    expect(new DevIdentityResolver(config(undefined)).resolve(request('127.0.0.1'))).toBeNull();
  });

  it('recognises loopback addresses only', () => {
    for (const address of ['127.0.0.1', '127.255.0.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.2']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['128.0.0.1', '10.127.0.1', '::2', 'fe80::1', 'localhost', '', '::ffff:192.168.1.1']) expect(isLoopbackAddress(address)).toBe(false);
  });
});
