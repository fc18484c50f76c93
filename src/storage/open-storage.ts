import type { EventStore } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, type ReadModelDatabase } from '#projections';
import type { MeshidConfig } from '../config/meshid-config.js';
import { createEventStore, readModelDatabasePath } from './event-store.factory.js';

/** The log and the read models, open and with a current schema, before the application starts. */
export interface OpenStorage {
  store: EventStore;
  readModels: ReadModelDatabase;
}

/**
 * Opens storage outside the DI container, so that an operator's problem (an edited migration, a
 * store that cannot be opened) reaches the command line as a plain error, and nothing is left
 * open when one of the two fails.
 */
export async function openStorage(config: MeshidConfig): Promise<OpenStorage> {
  const store = await createEventStore(config);
  try {
    const readModels = openReadModelDatabase(readModelDatabasePath(config), { migrationsDir: defaultMigrationsDir() });
    return { store, readModels };
  } catch (error) {
    await store.close();
    throw error;
  }
}
