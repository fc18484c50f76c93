import { join } from 'node:path';
import { type EventStore, SqliteEventStore } from '#event-store';
import type { MeshidConfig } from '../config/meshid-config.js';

/** The embedded store's file, which the read models share. */
export const EMBEDDED_DATABASE_FILE = 'meshid.db';
/** The read models' own file when the log lives in KurrentDB. */
export const READ_MODEL_DATABASE_FILE = 'read-models.db';

export async function createEventStore(config: MeshidConfig): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    // Loaded only when configured: the client brings a native gRPC bridge the embedded default never needs.
    const { KurrentDbEventStore } = await import('#event-store/kurrentdb');
    return new KurrentDbEventStore(config.kurrentdbConnectionString!);
  }
  return new SqliteEventStore({ path: join(config.dataDir, EMBEDDED_DATABASE_FILE), durability: config.sqliteDurability });
}

export function readModelDatabasePath(config: MeshidConfig): string {
  return join(config.dataDir, config.eventStore === 'sqlite' ? EMBEDDED_DATABASE_FILE : READ_MODEL_DATABASE_FILE);
}
