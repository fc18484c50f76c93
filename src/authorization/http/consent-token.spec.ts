import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { FixedClock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import type { ValidAuthorizeRequest } from './authorize-request.js';
import { CONSENT_TOKEN_TTL_MS, ConsentTokens } from './consent-token.js';

const secrets = { pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } };
const request = {
  client: { clientId: 'grafana' },
  redirectUri: 'https://app.example/cb',
  scope: ['openid', 'email'],
  state: 's',
  nonce: 'n',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  prompt: new Set(['consent']),
  resources: ['https://mcp.example.com'],
} as unknown as ValidAuthorizeRequest;
const SID = 'Abcdefghijklmnopqrstuv';

describe('ConsentTokens', () => {
  it('round-trips the validated request and the session for five minutes', () => {
    const clock = new FixedClock(1_000_000);
    const tokens = new ConsentTokens(new SecretHasher(secrets), clock);
    const token = tokens.issue(request, SID);
    expect(tokens.open(token)).toEqual({
      ok: true,
      request: { clientId: 'grafana', redirectUri: request.redirectUri, scope: ['openid', 'email'], state: 's', nonce: 'n', codeChallenge: request.codeChallenge, resources: ['https://mcp.example.com'], sessionId: SID, expiresAt: 1_000_000 + CONSENT_TOKEN_TTL_MS },
    });
    clock.advance(CONSENT_TOKEN_TTL_MS + 1);
    expect(tokens.open(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another server pepper, any change, and junk', () => {
    const clock = new FixedClock(0);
    const token = new ConsentTokens(new SecretHasher(secrets), clock).issue(request, SID);
    const tokens = new ConsentTokens(new SecretHasher(secrets), clock);
    const other = new ConsentTokens(new SecretHasher({ ...secrets, pepper: randomBytes(32) }), clock);
    expect(other.open(token)).toEqual({ ok: false, reason: 'invalid' });
    for (const bad of ['', '.', 'abc', `x${token}`, `${token}x`, token.replace('.', '.x'), `${token.split('.')[0]}.${new SecretHasher(secrets).digest(token.split('.')[0]!)}`]) {
      expect(tokens.open(bad)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
