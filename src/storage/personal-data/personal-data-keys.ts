import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, type EventStore, type Position, StreamDeletedError, WrongExpectedVersionError } from '#event-store';
import { KeyEncryption } from '../../crypto/key-encryption.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { RAW_EVENT_STORE } from '../storage.tokens.js';
import {
  PERSONAL_DATA_ERASED,
  PERSONAL_DATA_KEY_CREATED,
  type PersonalDataErased,
  type PersonalDataKeyCreated,
  personalErasureStream,
  personalKeyId,
  personalKeyStream,
} from './personal-data.events.js';

export interface SubjectKey {
  keyId: string;
  key: Buffer;
}

export interface Erasure {
  keyId: string;
  erasedAt: number;
  /** Where the erasure was recorded, for read-your-writes. */
  position: Position;
}

/** The KEK context of a data key: a sealed key moved to another key's stream fails to open. */
const kekContext = (keyId: string) => `personal-data-key/${keyId}`;
const MAX_ATTEMPTS = 4;

/**
 * The subjects' data keys, read from and written to the log as stored (RAW_EVENT_STORE: these
 * streams carry no personal data of their own). Keys are cached for the life of the process;
 * an erasure anywhere evicts them here through `PersonalDataErasuresProjection`, and at once in
 * the process that erased.
 */
@Injectable()
export class PersonalDataKeys {
  private readonly bySubject = new Map<string, SubjectKey>();
  /** `null`: the key is destroyed (or was never recorded): what it sealed reads as erased. */
  private readonly byId = new Map<string, Buffer | null>();

  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
    private readonly encryption: KeyEncryption,
  ) {}

  /** A keyed digest of the subject (hex, 128 bits): stream names never hold the subject. */
  subjectRef(subject: string): string {
    return Buffer.from(this.hasher.mac('personal-data subject', subject), 'base64url').toString('hex').slice(0, 32);
  }

  /**
   * The key that seals the subject's data from now on, created on first use. Creation is a
   * `no_stream` append, so two writers racing for a new subject agree on one key: the loser
   * reads the winner's. An erasure racing with creation moves both to the next generation.
   */
  async forSubject(subject: string): Promise<SubjectKey> {
    const cached = this.bySubject.get(subject);
    if (cached !== undefined) return cached;
    const ref = this.subjectRef(subject);
    for (let attempt = 1; ; attempt++) {
      const keyId = personalKeyId(ref, (await this.erasures(ref)).length);
      let key = await this.readKey(keyId);
      if (key === null) {
        const fresh = randomBytes(32);
        const data: PersonalDataKeyCreated = { keyId, key: this.encryption.seal(fresh, kekContext(keyId)) };
        try {
          await this.store.append(personalKeyStream(keyId), [{ type: PERSONAL_DATA_KEY_CREATED, data }], 'no_stream');
          key = fresh;
        } catch (error) {
          const raced = error instanceof WrongExpectedVersionError || error instanceof StreamDeletedError;
          if (!raced || attempt >= MAX_ATTEMPTS) throw error;
          continue;
        }
      }
      const found = { keyId, key };
      this.bySubject.set(subject, found);
      this.byId.set(keyId, key);
      return found;
    }
  }

  /** The key `keyId` names, or null once it has been destroyed. */
  async byKeyId(keyId: string): Promise<Buffer | null> {
    const cached = this.byId.get(keyId);
    if (cached !== undefined) return cached;
    const dash = keyId.lastIndexOf('-');
    const erased = dash > 0 && (await this.erasures(keyId.slice(0, dash))).some((erasure) => erasure.keyId === keyId);
    const key = erased ? null : await this.readKey(keyId);
    this.byId.set(keyId, key);
    return key;
  }

  /**
   * Forgets the subject: records the erasure of their current key (at the erasure stream's
   * revision, so two concurrent erasures cannot both claim one generation), then deletes the
   * key's stream. Also deletes any earlier erased key whose stream an interrupted erasure left.
   * Null when no personal data of the subject was ever sealed under the current key.
   */
  async erase(subject: string, now: number, metadata: EventMetadata): Promise<Erasure | null> {
    const ref = this.subjectRef(subject);
    const earlier = await this.erasures(ref);
    for (const { keyId } of earlier) await this.destroy(keyId);
    const keyId = personalKeyId(ref, earlier.length);
    let erasure: Erasure | null = null;
    if ((await this.readKey(keyId)) !== null) {
      const data: PersonalDataErased = { keyId, subject, erasedAt: now };
      const expected = earlier.length === 0 ? 'no_stream' : BigInt(earlier.length - 1);
      const { position } = await this.store.append(personalErasureStream(ref), [{ type: PERSONAL_DATA_ERASED, data, metadata }], expected);
      await this.destroy(keyId);
      erasure = { keyId, erasedAt: now, position };
    }
    this.evict(subject, keyId);
    return erasure;
  }

  /** Drops what this process holds of an erased key (and the subject's current key). */
  evict(subject: string, keyId: string): void {
    this.bySubject.delete(subject);
    this.byId.set(keyId, null);
  }

  private async destroy(keyId: string): Promise<void> {
    this.byId.set(keyId, null);
    if ((await this.readKey(keyId)) !== null) await this.store.deleteStream(personalKeyStream(keyId));
  }

  private async erasures(ref: string): Promise<PersonalDataErased[]> {
    const found: PersonalDataErased[] = [];
    for await (const event of this.store.readStream(personalErasureStream(ref))) {
      if (event.type === PERSONAL_DATA_ERASED) found.push(event.data as PersonalDataErased);
    }
    return found;
  }

  private async readKey(keyId: string): Promise<Buffer | null> {
    for await (const event of this.store.readStream(personalKeyStream(keyId), { maxCount: 1 })) {
      if (event.type !== PERSONAL_DATA_KEY_CREATED) continue;
      return this.encryption.open((event.data as PersonalDataKeyCreated).key, kekContext(keyId));
    }
    return null;
  }
}
