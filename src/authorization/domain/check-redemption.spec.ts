import { describe, expect, it } from '@jest/globals';
import { erasedPersonalData } from '../../storage/personal-data/personal-data-envelope.js';
import type { AuthorizationCodeIssued } from './authorization-code.events.js';
import { checkRedemption } from './check-redemption.js';

const issued: AuthorizationCodeIssued = {
  clientId: 'app',
  redirectUri: 'https://app.example.com/cb',
  scope: ['openid'],
  subject: 'userid:1',
  claims: { name: 'Ada', groups: [] },
  authTime: 1,
  expiresAt: 2_000,
  nonce: null,
  codeChallenge: null,
  codeChallengeMethod: null,
};
const attempt = { clientId: 'app', redirectUri: 'https://app.example.com/cb', codeVerifier: undefined, resources: [] };

describe('checkRedemption', () => {
  it('redeems a code whose claims are readable', () => {
    expect(checkRedemption({ issued, redeemed: null }, attempt, 1_000)).toBe(issued);
  });

  it('refuses, as invalid_grant, a code whose subject was forgotten after it was issued', () => {
    const forgotten = { ...issued, claims: erasedPersonalData() };
    expect(() => checkRedemption({ issued: forgotten, redeemed: null }, attempt, 1_000)).toThrow(
      expect.objectContaining({ reason: 'subject_forgotten', error: 'invalid_grant' }),
    );
  });
});
