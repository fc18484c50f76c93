export * from './event-store.js';
export * from './errors.js';
export * from './position.js';
export { matchesFilter, validateStreamName, validateEventType } from './validation.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './adapters/memory.event-store.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './adapters/sqlite/sqlite.event-store.js';
// Type only: the class lives behind `#event-store/kurrentdb` (see kurrentdb.ts) so that this entry
// never loads the KurrentDB client and its native bridge.
export type { KurrentDbEventStore } from './adapters/kurrentdb.event-store.js';
