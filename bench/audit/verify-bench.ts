import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { comparePositions, type EventStore, parsePosition, type Position } from '#event-store';
import { LogSealer } from '../../src/audit/seal/log-sealer.js';
import { LogVerifier, type VerifyReport } from '../../src/audit/seal/log-verifier.js';
import { LOG_SEAL_KEY_PURPOSE, LOG_SEALS_STREAM } from '../../src/audit/seal/seal-format.js';
import { MeshidConfig } from '../../src/config/meshid-config.js';
import { SecretHasher } from '../../src/crypto/secret-hasher.js';
import { RAW_EVENT_STORE } from '../../src/storage/storage.tokens.js';
import { maybeGc, progress } from '../event-store/stats.js';

const MAX_FLUSHES = 100;

/**
 * Seals the whole log: the application's sealer follows `$all` in the background and may lag a
 * long way behind a fast generator, and one flush waits only a bounded time for it; flush until
 * the last seal reaches the last event outside `log-seals`.
 */
export async function sealEverything(app: INestApplicationContext): Promise<void> {
  const store = app.get<EventStore>(RAW_EVENT_STORE);
  const sealer = app.get(LogSealer);
  for (let round = 0; round < MAX_FLUSHES; round++) {
    await sealer.flush();
    const [sealed, head] = [await lastSealThrough(store), await lastLoggedEvent(store)];
    if (head === null || (sealed !== null && comparePositions(sealed, head) >= 0)) return;
    progress(`sealing: the sealer is still behind the log's head, flushing again`);
  }
  throw new Error(`the log was not sealed after ${MAX_FLUSHES} flushes`);
}

async function lastSealThrough(store: EventStore): Promise<Position | null> {
  for await (const seal of store.readStream(LOG_SEALS_STREAM, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
    return parsePosition(String(seal.data['through']));
  }
  return null;
}

async function lastLoggedEvent(store: EventStore): Promise<Position | null> {
  for await (const event of store.readAll({ direction: 'backwards' })) if (event.stream !== LOG_SEALS_STREAM) return event.position;
  return null;
}

export interface VerifyPass {
  seconds: number;
  report: VerifyReport;
}

/** `meshid audit verify`'s check (LogVerifier over the raw store, the pepper-derived key), timed. */
export async function verifyPass(app: INestApplicationContext): Promise<VerifyPass> {
  const config = app.get(MeshidConfig);
  const key = app.get(SecretHasher).derivedKey(LOG_SEAL_KEY_PURPOSE);
  const verifier = new LogVerifier(app.get<EventStore>(RAW_EVENT_STORE), key, {
    now: Date.now(),
    retentionAuthorizationCodeDays: config.retentionAuthorizationCodeDays,
    retentionAuditDays: config.retentionAuditDays,
  });
  maybeGc();
  const start = performance.now();
  const report = await verifier.verify();
  return { seconds: (performance.now() - start) / 1000, report };
}
