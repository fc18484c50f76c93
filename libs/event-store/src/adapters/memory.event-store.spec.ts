import { MemoryEventStore } from './memory.event-store.js';
import { runEventStoreContract } from '../testing/event-store.contract.js';

runEventStoreContract('memory', {
  create: async (now) => new MemoryEventStore({ now }),
  seedStreamAt: async (store, stream, revision) => (store as MemoryEventStore).seedStreamAt(stream, revision),
  maxAgeOf: async (store, stream) => (store as MemoryEventStore).streamMaxAge(stream),
  embedded: true,
});
