import type { LogRow } from '../follow-log.js';

/**
 * The log reads of the subscribers of one process, shared within one turn of the event loop.
 * An append wakes every local subscriber (one per projection) at once, and each asks for the rows
 * after the same position: without sharing, every append costs one query per subscriber.
 *
 * A result is reused only for the same position, page size and notifier version (so a local
 * append made in the same turn is never hidden), and is forgotten at the end of the turn (so
 * polling for other processes' appends always queries afresh). Rows are decoded by each
 * subscriber itself: no two subscribers share an event object.
 */
export class TurnCachedReads {
  private readonly results = new Map<string, LogRow[]>();
  private clearScheduled = false;

  constructor(private readonly read: (after: bigint, limit: number) => LogRow[]) {}

  fetchAfter(after: bigint, limit: number, version: number): LogRow[] {
    const key = `${version}:${after}:${limit}`;
    let rows = this.results.get(key);
    if (rows === undefined) {
      rows = this.read(after, limit);
      this.results.set(key, rows);
      if (!this.clearScheduled) {
        this.clearScheduled = true;
        setImmediate(() => {
          this.results.clear();
          this.clearScheduled = false;
        });
      }
    }
    return rows;
  }
}
