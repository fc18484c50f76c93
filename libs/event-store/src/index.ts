export * from './event-store.js';
export * from './errors.js';
export * from './position.js';
export { validateStreamName, validateEventType } from './validation.js';
export { MemoryEventStore } from './adapters/memory.event-store.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './adapters/sqlite/sqlite.event-store.js';
