import { randomBytes } from 'node:crypto';
import type { EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '#event-store';
import { FixedClock } from '../../../common/clock.js';
import { MeshidConfig } from '../../../config/meshid-config.js';
import { SecretHasher } from '../../../crypto/secret-hasher.js';
import { LogSealer } from '../log-sealer.js';
import { LOG_SEAL_KEY_PURPOSE, LOG_SEALS_STREAM } from '../seal-format.js';

/** Test support for the seal specs: a hasher, sealers on a store, and a tampered view of a store. */
export function testHasher(): SecretHasher {
  return new SecretHasher({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
}

export const sealKey = (hasher: SecretHasher): Buffer => hasher.derivedKey(LOG_SEAL_KEY_PURPOSE);

export function testSealer(store: EventStore, hasher: SecretHasher, settings: { events?: number; intervalSeconds?: number } = {}): LogSealer {
  const config = Object.assign(new MeshidConfig(), { logSealEvents: settings.events ?? 1000, logSealIntervalSeconds: settings.intervalSeconds ?? 3600 });
  return new LogSealer(store, hasher, config, new FixedClock(Date.now()));
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export const sealsOf = (store: EventStore) => collect(store.readStream(LOG_SEALS_STREAM));

/**
 * What an attacker with write access to the storage would leave: `$all` and `log-seals` as
 * `rewrite` returns them. The specs build small logs, so whole reads are fine here.
 */
export function tamperedView(
  store: EventStore,
  rewrite: { all?: (events: RecordedEvent[]) => RecordedEvent[]; seals?: (events: RecordedEvent[]) => RecordedEvent[] },
): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'readAll') return (options?: ReadAllOptions) => replay(collect(target.readAll(options)), rewrite.all);
      if (property === 'readStream') {
        return (stream: string, options?: ReadStreamOptions) =>
          replay(collect(target.readStream(stream, options)), stream === LOG_SEALS_STREAM ? rewrite.seals : undefined);
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function* replay(events: Promise<RecordedEvent[]>, rewrite?: (events: RecordedEvent[]) => RecordedEvent[]): AsyncIterable<RecordedEvent> {
  yield* rewrite ? rewrite(await events) : await events;
}
