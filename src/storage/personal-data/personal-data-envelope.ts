import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** How a sealed personal value is stored in an event's data, in place of the value. */
export interface SealedPersonalData {
  $personal: {
    /** The data key's id (`<subjectRef>-<generation>`). */
    key: string;
    /** base64url of IV (12 bytes) | GCM tag (16 bytes) | ciphertext of the value's JSON. */
    ciphertext: string;
  };
}

/** What a reader gets in place of a personal value whose key has been destroyed (a JSON object). */
export type ErasedPersonalData = {
  $erased: 'personal data erased';
};

export class PersonalDataCorruptError extends Error {
  override readonly name = 'PersonalDataCorruptError';
}

export function isSealedPersonalData(value: unknown): value is SealedPersonalData {
  if (typeof value !== 'object' || value === null || !('$personal' in value)) return false;
  const inner = (value as SealedPersonalData).$personal;
  return typeof inner === 'object' && inner !== null && typeof inner.key === 'string' && typeof inner.ciphertext === 'string';
}

export function isErasedPersonalData(value: unknown): value is ErasedPersonalData {
  return typeof value === 'object' && value !== null && (value as ErasedPersonalData).$erased === 'personal data erased';
}

/** A fresh marker each time: readers may not share (or mutate) one object. */
export function erasedPersonalData(): ErasedPersonalData {
  return { $erased: 'personal data erased' };
}

/**
 * AES-256-GCM of the value's JSON under the subject's data key. `context` (event type and field)
 * is bound as additional data, so a ciphertext moved into another event or field fails to open.
 */
export function sealPersonalData(key: Buffer, keyId: string, context: string, value: unknown): SealedPersonalData {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${keyId}/${context}`, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $personal: { key: keyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') } };
}

export function openPersonalData(key: Buffer, sealed: SealedPersonalData, context: string): unknown {
  const raw = Buffer.from(sealed.$personal.ciphertext, 'base64url');
  if (raw.length < 29) throw new PersonalDataCorruptError(`sealed ${context} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${sealed.$personal.key}/${context}`, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch {
    throw new PersonalDataCorruptError(`sealed ${context} failed authentication (tampered, or moved from another event)`);
  }
}
