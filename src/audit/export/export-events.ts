import { comparePositions, type EventStore, type ReadAllOptions } from '#event-store';
import type { ExportFilter, ExportFormat } from './export-filter.js';
import { compileMatcher, type GrantsOf } from './export-matcher.js';
import { RECORD_WRITERS } from './export-records.js';

/** Records are handed on in text chunks of about this many UTF-16 units, not one by one. */
export const EXPORT_CHUNK_LENGTH = 64 * 1024;

/**
 * The log as export text: an async generator of chunks (~64 KiB) in `$all` order, over one
 * `readAll` cursor. Memory stays constant whatever the log's size: nothing is collected but the
 * chunk being filled (and, with a subject or client filter, that subject's or client's grant ids).
 * The consumer's pace drives the read: a chunk is produced only when the previous one was taken,
 * and ending the iteration early (`return()`, a client gone) ends the read.
 *
 * Reads through whatever store it is given; the application passes EVENT_STORE, which shows
 * personal data as it stands (erased where erased).
 */
export async function* exportEvents(store: EventStore, filter: ExportFilter, format: ExportFormat, grantsOf?: GrantsOf): AsyncGenerator<string, void, undefined> {
  const writer = RECORD_WRITERS[format];
  const matcher = compileMatcher(filter, grantsOf);
  const options: ReadAllOptions = { fromPosition: filter.after ?? 'start', ...(matcher.storeFilter ? { filter: matcher.storeFilter } : {}) };
  const { after, until, limit } = filter;
  const from = filter.from?.getTime() ?? -Infinity;
  const to = filter.to?.getTime() ?? Infinity;
  let chunk = writer.head;
  let written = 0;
  for await (const event of store.readAll(options)) {
    // `fromPosition` is inclusive and `after` is not: the event at `after` was already received.
    if (after !== undefined && comparePositions(event.position, after) <= 0) continue;
    // $all is in position order: nothing past `until` can match, so the read ends here.
    if (until !== undefined && comparePositions(event.position, until) > 0) break;
    // Time is only filtered, never a reason to stop: created_at follows the appending hosts'
    // clocks, which need not be monotonic across a log written by several replicas.
    const at = event.createdAt.getTime();
    if (at < from || at >= to || !matcher.matches(event)) continue;
    chunk += writer.record(event, written === 0);
    written++;
    if (written === limit) break;
    if (chunk.length >= EXPORT_CHUNK_LENGTH) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + writer.tail(written === 0);
}
