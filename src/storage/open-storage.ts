import { type EventStore, EventStoreUnavailableError } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, type ReadModelDatabase } from '#projections';
import type { MeshidConfig } from '../config/meshid-config.js';
import { createEventStore, readModelDatabasePath } from './event-store.factory.js';
import { describeFault, storageFaultOf } from './storage-fault.js';

/** The log and the read models, open and with a current schema, before the application starts. */
export interface OpenStorage {
  store: EventStore;
  readModels: ReadModelDatabase;
}

/**
 * Opens storage outside the DI container, so that an operator's problem (an edited migration, a
 * store that cannot be opened) reaches the command line as a plain error, and nothing is left
 * open when one of the two fails. A file that cannot be used (read-only, corrupt, disk full) is an
 * `EventStoreUnavailableError` naming the file and the fault: the command exits 5 (unavailable).
 */
export async function openStorage(config: MeshidConfig): Promise<OpenStorage> {
  let store: EventStore;
  try {
    store = await createEventStore(config);
  } catch (error) {
    throw withFault(error);
  }
  const path = readModelDatabasePath(config);
  try {
    const readModels = openReadModelDatabase(path, { migrationsDir: defaultMigrationsDir() });
    return { store, readModels };
  } catch (error) {
    await store.close();
    const fault = storageFaultOf(error);
    if (fault === null) throw error;
    throw new EventStoreUnavailableError(`cannot open the read-model database at ${path}: ${describeFault(fault.kind)} (${fault.detail})`, {
      cause: error,
    });
  }
}

/** The store's own "cannot open" error, with what the fault is in an operator's words. */
function withFault(error: unknown): unknown {
  const fault = storageFaultOf(error);
  if (!(error instanceof EventStoreUnavailableError) || fault === null || fault.kind === 'unreachable') return error;
  return new EventStoreUnavailableError(`${error.message} (${describeFault(fault.kind)})`, { cause: error.cause });
}
