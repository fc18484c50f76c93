import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ServerSecrets } from '../config/data-directory.js';
import { KeyEncryption, KeyEncryptionError } from './key-encryption.js';
import { SecretHasher } from './secret-hasher.js';

const secrets: ServerSecrets = { pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } };

describe('SecretHasher', () => {
  const hasher = new SecretHasher(secrets);

  it('matches the secret it hashed and nothing else', () => {
    const secret = SecretHasher.generate();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const digest = hasher.digest(secret);
    expect(digest).not.toContain(secret);
    expect(hasher.matches(secret, digest)).toBe(true);
    expect(hasher.matches(`${secret}x`, digest)).toBe(false);
    expect(hasher.matches(secret, 'short')).toBe(false);
    expect(hasher.matches(secret, '')).toBe(false);
  });

  it('MACs per purpose: a MAC verifies for its purpose and data only, in its one spelling', () => {
    const mac = hasher.mac('consent token', 'payload');
    expect(hasher.verifyMac('consent token', 'payload', mac)).toBe(true);
    expect(hasher.verifyMac('session form token', 'payload', mac)).toBe(false);
    expect(hasher.verifyMac('consent token', 'payload2', mac)).toBe(false);
    expect(hasher.verifyMac('consent token', 'payload', `${mac}=`)).toBe(false);
    expect(hasher.verifyMac('consent token', 'payload', '')).toBe(false);
    expect(mac).not.toBe(hasher.digest('payload'));
  });

  it('depends on the pepper', () => {
    const other = new SecretHasher({ ...secrets, pepper: randomBytes(32) });
    expect(other.digest('same')).not.toBe(hasher.digest('same'));
  });
});

describe('KeyEncryption', () => {
  const encryption = new KeyEncryption(secrets);

  it('round-trips under the same context and names its KEK', () => {
    const sealed = encryption.seal(Buffer.from('private key'), 'kid-1');
    expect(sealed.kekId).toBe('kek-test');
    expect(Buffer.from(sealed.ciphertext, 'base64url').toString()).not.toContain('private key');
    expect(encryption.open(sealed, 'kid-1').toString()).toBe('private key');
  });

  it('refuses another context, a tampered ciphertext, a truncated one and another KEK', () => {
    const sealed = encryption.seal(Buffer.from('private key'), 'kid-1');
    expect(() => encryption.open(sealed, 'kid-2')).toThrow(KeyEncryptionError);
    const raw = Buffer.from(sealed.ciphertext, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(() => encryption.open({ ...sealed, ciphertext: raw.toString('base64url') }, 'kid-1')).toThrow('failed authentication');
    expect(() => encryption.open({ ...sealed, ciphertext: 'AAAA' }, 'kid-1')).toThrow('truncated');
    expect(() => encryption.open({ ...sealed, kekId: 'kek-old' }, 'kid-1')).toThrow('kek-old');
  });
});
