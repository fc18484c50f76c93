import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventStore, MemoryEventStore, type NewEvent, SqliteEventStore } from '#event-store';

/** The store configurations the benchmark compares. */
export type AdapterName = 'sqlite' | 'sqlite-full' | 'memory';

/** A store under test and how to dispose of it (close, then remove its files). */
export interface StoreUnderTest {
  adapter: AdapterName;
  store: EventStore;
  /** Scratch directory of this measurement: the SQLite files live here, and any read model. */
  dir: string;
  dispose(): Promise<void>;
}

/** A fresh, empty store in its own temporary directory. */
export function openStore(adapter: AdapterName): StoreUnderTest {
  const dir = mkdtempSync(join(tmpdir(), `meshid-bench-${adapter}-`));
  const store =
    adapter === 'memory'
      ? new MemoryEventStore()
      : new SqliteEventStore({ path: join(dir, 'events.db'), durability: adapter === 'sqlite-full' ? 'full' : 'normal' });
  return {
    adapter,
    store,
    dir,
    dispose: async () => {
      try {
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const POOL_BYTES = 64 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** 128 random bits as 32 hex characters, cut from a pool refilled 64 KiB at a time (cheap per call). */
export function randomHex128(): string {
  if (poolOffset + 16 > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.toString('hex', poolOffset - 16, poolOffset);
}

const CLIENTS = ['grafana', 'gitea', 'nextcloud', 'immich', 'paperless', 'jellyfin', 'home-assistant', 'vaultwarden'];
const USERS = ['alice@example.ts.net', 'bob@example.ts.net', 'carol@example.ts.net', 'dave@example.ts.net'];
const pick = <T>(values: readonly T[], i: number): T => values[i % values.length]!;

function metadata(i: number, actor: string) {
  return {
    actor,
    correlationId: crypto.randomUUID(),
    ip: `100.${64 + (i % 64)}.${(i >> 6) & 255}.${(i >> 14) & 255}`,
  };
}

/**
 * An `AuthorizationCodeIssued` event as the authorize endpoint would record it: about 300 bytes
 * of data JSON, metadata with actor, correlation id and client address.
 */
export function authCodeIssued(i: number, code = randomHex128()): NewEvent {
  const client = pick(CLIENTS, i);
  const sub = pick(USERS, i >> 3);
  const now = Math.floor(Date.now() / 1000);
  return {
    type: 'AuthorizationCodeIssued',
    data: {
      codeHash: code.slice(0, 32),
      clientId: client,
      sub,
      redirectUri: `https://${client}.example.ts.net/login/generic_oauth`,
      scope: 'openid profile email groups',
      codeChallenge: `${code}${code.slice(0, 11)}`,
      codeChallengeMethod: 'S256',
      nonce: code.slice(8, 24),
      authTime: now,
      expiresAt: now + 60,
    },
    metadata: metadata(i, sub),
  };
}

const GRANT_EVENT_TYPES = [
  'RefreshTokenRotated',
  'AccessTokenIssued',
  'IdTokenIssued',
  'GrantScopeNarrowed',
  'RefreshTokenUsed',
  'AccessTokenIssued',
  'RefreshTokenRotated',
  'IdTokenIssued',
  'GrantExtended',
  'AccessTokenIssued',
];

/** One event of a `grant-<id>` stream, about 300 bytes of data like `authCodeIssued`. */
export function grantEvent(grantId: string, i: number): NewEvent {
  const client = pick(CLIENTS, i >> 4);
  const sub = pick(USERS, i >> 5);
  const now = Math.floor(Date.now() / 1000);
  const token = randomHex128();
  return {
    type: pick(GRANT_EVENT_TYPES, i),
    data: {
      grantId,
      clientId: client,
      sub,
      tokenHash: `${token}${token.slice(0, 11)}`,
      previousTokenHash: `${token.slice(11)}${token.slice(0, 22)}`,
      scope: 'openid profile email groups offline_access',
      audience: `https://${client}.example.ts.net`,
      issuedAt: now,
      expiresAt: now + 3600,
    },
    metadata: metadata(i, `client:${client}`),
  };
}

/** A 10-event (or `size`-event) batch for one grant stream. */
export function grantBatch(grantId: string, first: number, size = 10): NewEvent[] {
  const batch: NewEvent[] = [];
  for (let k = 0; k < size; k++) batch.push(grantEvent(grantId, first + k));
  return batch;
}

/**
 * Grant streams appended to at their expected revision: `no_stream` on first use, then the
 * revision the previous append returned.
 */
export class GrantStreams {
  private readonly ids: string[];
  private readonly revisions: (bigint | 'no_stream')[];
  private next = 0;

  constructor(count: number) {
    this.ids = Array.from({ length: count }, () => randomHex128().slice(0, 20));
    this.revisions = this.ids.map(() => 'no_stream' as const);
  }

  /** Picks the next grant (a fixed stride walk, so streams grow evenly without a visible pattern). */
  take(): { index: number; stream: string; grantId: string; expected: bigint | 'no_stream' } {
    const index = (this.next = (this.next + 7919) % this.ids.length);
    const grantId = this.ids[index]!;
    return { index, stream: `grant-${grantId}`, grantId, expected: this.revisions[index]! };
  }

  advance(index: number, nextExpectedRevision: bigint): void {
    this.revisions[index] = nextExpectedRevision;
  }
}
