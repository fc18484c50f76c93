import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import type { SealedSecret } from '../../crypto/key-encryption.js';
import type { PublicJwk, SigningAlg, SigningKeyEvent } from './signing-keys.events.js';

/**
 * - `published`: in JWKS, not signing yet (pre-publication);
 * - `active`: signing (exactly one per alg);
 * - `retired`: not signing, in JWKS until `unpublishAfter`.
 */
export type SigningKeyStatus = 'published' | 'active' | 'retired';

export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlg;
  status: SigningKeyStatus;
  publicJwk: PublicJwk;
  privateKey: SealedSecret;
  generatedAt: string;
  activateAfter: string;
  activatedAt?: string;
  retiredAt?: string;
  unpublishAfter?: string;
}

export interface SigningKeysState {
  /** Every key ever generated, by kid, in generation order. */
  keys: Readonly<Record<string, SigningKeyRecord>>;
  /** The kid of the active key of each alg. */
  active: Readonly<Partial<Record<SigningAlg, string>>>;
}

export const INITIAL_SIGNING_KEYS: SigningKeysState = { keys: {}, active: {} };

/** Pure fold of one event; events of other types leave the state as it is. */
export function evolveSigningKeys(state: SigningKeysState, event: SigningKeyEvent): SigningKeysState {
  switch (event.type) {
    case 'SigningKeyGenerated': {
      const { kid, alg, publicJwk, privateKey, generatedAt, activateAfter } = event.data;
      const record: SigningKeyRecord = { kid, alg, status: 'published', publicJwk, privateKey, generatedAt, activateAfter };
      return { ...state, keys: { ...state.keys, [kid]: record } };
    }
    case 'SigningKeyActivated': {
      const { kid, alg, activatedAt } = event.data;
      const key = state.keys[kid];
      if (!key) return state;
      return { keys: { ...state.keys, [kid]: { ...key, status: 'active', activatedAt } }, active: { ...state.active, [alg]: kid } };
    }
    case 'SigningKeyRetired': {
      const { kid, alg, retiredAt, unpublishAfter } = event.data;
      const key = state.keys[kid];
      if (!key) return state;
      const active = { ...state.active };
      if (active[alg] === kid) delete active[alg];
      return { keys: { ...state.keys, [kid]: { ...key, status: 'retired', retiredAt, unpublishAfter } }, active };
    }
    default:
      return state;
  }
}

export const signingKeysEvolver: Evolver<SigningKeysState> = {
  initial: INITIAL_SIGNING_KEYS,
  evolve: (state, event: RecordedEvent) => evolveSigningKeys(state, event as unknown as SigningKeyEvent),
};
