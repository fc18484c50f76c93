import type { RecordedEvent } from '../event-store.js';
import { sequencePosition } from '../position.js';

/**
 * An event as the embedded logs hold it (a row of SQLite's `events` table, an entry of the memory
 * log): payloads serialised, 64-bit numbers as bigint. Decoding happens on read, so every reader
 * gets its own objects and nothing can change what was recorded.
 */
export interface EventRow {
  position: bigint;
  id: string;
  stream: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
  /** Milliseconds since the Unix epoch. */
  created_at: bigint;
}

export function decodeEventRow(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: sequencePosition(row.position),
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    createdAt: new Date(Number(row.created_at)),
  };
}
