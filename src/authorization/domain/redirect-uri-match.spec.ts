import { describe, expect, it } from '@jest/globals';
import { isRegisteredRedirectUri } from './redirect-uri-match.js';

describe('isRegisteredRedirectUri', () => {
  it('matches registered URIs exactly', () => {
    expect(isRegisteredRedirectUri(['https://app.example/cb'], 'https://app.example/cb')).toBe(true);
    for (const other of ['https://app.example/cb/', 'https://app.example/CB', 'https://app.example:443/cb', 'https://app.example/cb?x=1', 'https://app.example:8443/cb']) {
      expect(isRegisteredRedirectUri(['https://app.example/cb'], other)).toBe(false);
    }
  });

  it('lets a loopback http redirect URI use any port (RFC 8252 §7.3), nothing else about it', () => {
    const registered = ['http://127.0.0.1/callback', 'http://[::1]:8080/cb', 'http://localhost/oauth?x=1'];
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:53682/callback')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://[::1]:1/cb')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://[::1]/cb')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://localhost:3000/oauth?x=1')).toBe(true);
    for (const other of [
      'http://127.0.0.1:53682/callback/',
      'http://127.0.0.1:53682/other',
      'http://127.0.0.2:53682/callback',
      'https://127.0.0.1:53682/callback',
      'http://localhost:3000/oauth?x=2',
      'http://user@127.0.0.1:1/callback',
      'http://127.0.0.1:1/callback#frag',
    ]) {
      expect(isRegisteredRedirectUri(registered, other)).toBe(false);
    }
    expect(isRegisteredRedirectUri(['https://app.example/cb'], 'http://127.0.0.1:1/cb')).toBe(false);
  });
});
