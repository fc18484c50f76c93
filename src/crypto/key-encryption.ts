import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVER_SECRETS } from '../config/config.module.js';
import type { ServerSecrets } from '../config/data-directory.js';

/** A secret sealed under the key-encryption key, as events carry it. */
export interface SealedSecret {
  /** Which KEK sealed it (`kek.json`'s id), so the KEK can be rotated. */
  kekId: string;
  /** base64url of IV (12 bytes) | tag (16 bytes) | ciphertext. */
  ciphertext: string;
}

export class KeyEncryptionError extends Error {
  override readonly name = 'KeyEncryptionError';
}

/**
 * AES-256-GCM under the KEK for private signing keys. `context` (e.g. the key id) is bound as
 * additional authenticated data, so a ciphertext moved to another key's event fails to open.
 */
@Injectable()
export class KeyEncryption {
  constructor(@Inject(SERVER_SECRETS) private readonly secrets: ServerSecrets) {}

  seal(plaintext: Buffer, context: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secrets.kek.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { kekId: this.secrets.kek.id, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') };
  }

  open(sealed: SealedSecret, context: string): Buffer {
    if (sealed.kekId !== this.secrets.kek.id) {
      throw new KeyEncryptionError(`sealed under key-encryption key "${sealed.kekId}", but this server has "${this.secrets.kek.id}"`);
    }
    const raw = Buffer.from(sealed.ciphertext, 'base64url');
    if (raw.length < 29) throw new KeyEncryptionError('sealed secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.secrets.kek.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    } catch {
      throw new KeyEncryptionError(`sealed secret for "${context}" failed authentication (wrong key, context or tampered)`);
    }
  }
}
