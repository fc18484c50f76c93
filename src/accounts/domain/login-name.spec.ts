import { describe, expect, it } from '@jest/globals';
import { loginRuleViolation, normaliseLogin } from './login-name.js';

describe('login names', () => {
  it('keeps Headscale\'s username rule: 2-64 characters, a letter first, letters digits - . _ and one @', () => {
    for (const ok of ['ab', 'ada', 'ada.lovelace', 'ada_l-2', 'ada@example.com', 'Zoë', 'a'.repeat(64)]) expect(loginRuleViolation(ok)).toBeNull();
    expect(loginRuleViolation('a')).toMatch(/2-64/);
    expect(loginRuleViolation('a'.repeat(65))).toMatch(/2-64/);
    expect(loginRuleViolation('1ada')).toMatch(/letter/);
    expect(loginRuleViolation('.ada')).toMatch(/letter/);
    expect(loginRuleViolation('ada lovelace')).toMatch(/only letters/);
    expect(loginRuleViolation('ada+x')).toMatch(/only letters/);
    expect(loginRuleViolation('a@b@c')).toMatch(/one "@"/);
    expect(loginRuleViolation('')).toMatch(/2-64/);
  });

  it('compares in NFKC lower case: case, full-width forms and compositions are one name', () => {
    expect(normaliseLogin('Ada')).toBe('ada');
    expect(normaliseLogin('ＡＤＡ')).toBe('ada');
    expect(normaliseLogin('Zoe\u0308')).toBe(normaliseLogin('zoë'));
    expect(loginRuleViolation('ＡＤＡ')).toBeNull();
  });
});
