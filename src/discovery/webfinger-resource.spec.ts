import { describe, expect, it } from '@jest/globals';
import { isAddressOf, readWebfingerResource } from './webfinger-resource.js';

describe('readWebfingerResource', () => {
  it('reads an acct: URI, lower-casing only the domain', () => {
    expect(readWebfingerResource('acct:Alice.B@Example.COM')).toEqual({
      kind: 'acct',
      account: { resource: 'acct:Alice.B@Example.COM', local: 'Alice.B', domain: 'example.com' },
    });
  });

  it('decodes percent-escapes in the user part and keeps sub-delimiters', () => {
    expect(readWebfingerResource('acct:al%69ce+tag@example.com')).toMatchObject({ kind: 'acct', account: { local: 'alice+tag', domain: 'example.com' } });
    expect(readWebfingerResource('ACCT:bob@example.com')).toMatchObject({ kind: 'acct', account: { local: 'bob' } });
  });

  it('calls a URI of another scheme unknown, not malformed', () => {
    expect(readWebfingerResource('https://example.com/alice')).toEqual({ kind: 'other' });
    expect(readWebfingerResource('mailto:alice@example.com')).toEqual({ kind: 'other' });
  });

  it.each([
    ['no scheme', 'alice@example.com'],
    ['no user part', 'acct:@example.com'],
    ['no domain', 'acct:alice@'],
    ['no @ at all', 'acct:alice'],
    ['a bad host', 'acct:alice@exa_mple.com'],
    ['a space', 'acct:al ice@example.com'],
    ['a control character', 'acct:alice@example.com\n'],
    ['a bad escape', 'acct:al%zzce@example.com'],
    ['an escaped @ in the user part', 'acct:bob%40github@example.com'],
    ['an overlong resource', `acct:${'a'.repeat(600)}@example.com`],
  ])('refuses %s', (_why, resource) => {
    expect(readWebfingerResource(resource)).toMatchObject({ kind: 'malformed' });
  });
});

describe('isAddressOf', () => {
  const account = { local: 'Alice', domain: 'example.com' };

  it('compares the domain in any case and the local part exactly', () => {
    expect(isAddressOf('Alice@EXAMPLE.com', account)).toBe(true);
    expect(isAddressOf('alice@example.com', account)).toBe(false);
    expect(isAddressOf('Alice@example.org', account)).toBe(false);
    expect(isAddressOf('Alice', account)).toBe(false);
  });
});
