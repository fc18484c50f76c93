// Entry point of the KurrentDB adapter (`#event-store/kurrentdb`). It is separate from the main
// entry so that the embedded default never loads the KurrentDB client and its native gRPC bridge.
export { KurrentDbEventStore } from './adapters/kurrentdb.event-store.js';
