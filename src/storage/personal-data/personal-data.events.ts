import type { JsonObject } from '#event-store';
import type { SealedSecret } from '../../crypto/key-encryption.js';

/**
 * Crypto-shredding (issue F §5). Personal data in events is sealed under a key of its own per
 * subject; forgetting a subject destroys that key, so every event that carried their personal
 * data stays in the log (and its seals still verify) but can no longer be read.
 *
 * A subject's keys are numbered by generation: the n-th key lives in `personal-key-<ref>-<n>`,
 * where `<ref>` is a keyed digest of the subject (the subject never appears in a stream name) and
 * `n` is the number of erasures recorded in `personal-erasure-<ref>`. A person who comes back
 * after being forgotten gets a fresh key; what was erased stays erased.
 */
export const PERSONAL_DATA_KEY_CREATED = 'PersonalDataKeyCreated';
export const PERSONAL_DATA_ERASED = 'PersonalDataErased';

export const PERSONAL_KEY_STREAM_PREFIX = 'personal-key-';
export const PERSONAL_ERASURE_STREAM_PREFIX = 'personal-erasure-';

export const personalKeyId = (subjectRef: string, generation: number) => `${subjectRef}-${generation}`;
export const personalKeyStream = (keyId: string) => `${PERSONAL_KEY_STREAM_PREFIX}${keyId}`;
export const personalErasureStream = (subjectRef: string) => `${PERSONAL_ERASURE_STREAM_PREFIX}${subjectRef}`;

/** The only event of a `personal-key-<keyId>` stream: the data key, sealed under the KEK. */
export interface PersonalDataKeyCreated extends JsonObject {
  keyId: string;
  key: SealedSecret;
}

/**
 * A subject was forgotten: the key `keyId` is destroyed (its stream deleted right after this is
 * recorded). `subject` is the pseudonymous identifier tokens carry as `sub`, kept so that read
 * models can drop what they derived; it is not personal data by itself once the key is gone.
 */
export interface PersonalDataErased extends JsonObject {
  keyId: string;
  subject: string;
  /** Milliseconds since the epoch. */
  erasedAt: number;
}
