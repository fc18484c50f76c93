import { describe, expect, it } from '@jest/globals';
import { dummyPasswordHash, hashPassword, passwordPolicyViolation, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('is scrypt N=2^15 r=8 p=1 with a 16-byte salt and a 32-byte key, in an encoded form that names them', async () => {
    const hash = await hashPassword('correct horse battery');
    const [scheme, params, salt, key] = hash.split('$');
    expect(scheme).toBe('scrypt');
    expect(params).toBe('N=32768,r=8,p=1');
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });

  it('verifies the password and nothing else', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('verifies hashes made with other parameters, so they can be raised later', async () => {
    const hash = await hashPassword('correct horse battery', { N: 2 ** 10, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('refuses malformed hashes and parameters that would cost too much', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    const hash = await hashPassword('correct horse battery', { N: 2 ** 10, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', hash.replace('N=1024', 'N=1000'))).toBe(false);
    expect(await verifyPassword('correct horse battery', hash.replace('N=1024', 'N=4194304'))).toBe(false);
  });

  it('has a dummy hash, the same for the process, that no guess matches', async () => {
    expect(await dummyPasswordHash()).toBe(await dummyPasswordHash());
    expect(await verifyPassword('', await dummyPasswordHash())).toBe(false);
  });

  it('asks 10 to 1024 characters', () => {
    expect(passwordPolicyViolation('short')).toMatch(/at least 10/);
    expect(passwordPolicyViolation('x'.repeat(1025))).toMatch(/at most 1024/);
    expect(passwordPolicyViolation('x'.repeat(10))).toBeNull();
    expect(passwordPolicyViolation(42)).toMatch(/string/);
  });
});
