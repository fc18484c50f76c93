import { MemoryEventStore } from './memory.event-store.js';
import { runEventStoreContract } from '../testing/event-store.contract.js';

runEventStoreContract('memory', {
  create: async () => new MemoryEventStore(),
  seedStreamAt: async (store, stream, revision) => (store as MemoryEventStore).seedStreamAt(stream, revision),
});
