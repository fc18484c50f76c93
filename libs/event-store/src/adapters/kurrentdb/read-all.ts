import { BACKWARDS, FORWARDS, type AllStreamResolvedEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../../event-store.js';
import { comparePositions, isPosition, type Position, type PositionOrigin } from '../../position.js';
import type { CheckedReadAllOptions } from '../../validation.js';
import { mapClientError } from './errors.js';
import { isSystemEvent, toClientFilter, toReadPosition, toRecordedEvent } from './mapping.js';

/**
 * `$all` in the port's terms, on top of the client's `readAll`:
 * - system events are dropped even without a filter. The server-side filter drops `$` event
 *   types; events of `$` streams with other types are dropped here, and because that can leave
 *   a page short of `maxCount`, reading goes on page by page from the last position seen;
 * - a backwards read from a position includes the event at that position (the port's rule),
 *   which the server leaves out, so that one event is fetched first with a forwards read;
 * - forwards from `end` and backwards from `start` are empty.
 */
export async function* readAllEvents(client: KurrentDBClient, options: CheckedReadAllOptions): AsyncGenerator<RecordedEvent> {
  const { direction, fromPosition, filter } = options;
  let remaining = options.maxCount;
  const forwards = direction === 'forwards';
  // The Rust bridge reads forwards from `start` and backwards from `end` whatever the direction
  // asked; nothing lies after the end or before the start.
  if (remaining === 0 || fromPosition === (forwards ? 'end' : 'start')) return;
  if (!forwards && isPosition(fromPosition)) {
    const [at] = await collect(page(client, fromPosition, 'forwards', 1, filter));
    if (at && comparePositions(at.position, fromPosition) === 0 && !isSystemEvent(at.raw)) {
      yield at.event();
      remaining -= 1;
    }
  }
  // Events at or before (forwards) / at or after (backwards) `boundary` were already seen.
  let from: PositionOrigin = fromPosition;
  let boundary: Position | undefined = !forwards && isPosition(fromPosition) ? fromPosition : undefined;
  while (remaining > 0) {
    const pageSize = Number.isFinite(remaining) ? remaining + (boundary ? 1 : 0) : undefined;
    let received = 0;
    let last: Position | undefined;
    for await (const item of page(client, from, direction, pageSize, filter)) {
      received += 1;
      last = item.position;
      if (boundary && (forwards ? comparePositions(item.position, boundary) <= 0 : comparePositions(item.position, boundary) >= 0)) continue;
      if (isSystemEvent(item.raw)) continue;
      yield item.event();
      remaining -= 1;
      if (remaining === 0) return;
    }
    if (pageSize === undefined || received < pageSize || !last) return;
    from = last;
    boundary = last;
  }
}

interface PageItem {
  raw: { streamId: string; type: string };
  position: Position;
  event(): RecordedEvent;
}

async function* page(
  client: KurrentDBClient,
  from: PositionOrigin,
  direction: 'forwards' | 'backwards',
  maxCount: number | undefined,
  filter: CheckedReadAllOptions['filter'],
): AsyncGenerator<PageItem> {
  const events = client.readAll({
    fromPosition: toReadPosition(from),
    direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
    filter: toClientFilter(filter),
    ...(maxCount === undefined ? {} : { maxCount }),
  });
  try {
    for (;;) {
      let resolved: AllStreamResolvedEvent;
      try {
        const next = await events.next();
        if (next.done) return;
        resolved = next.value;
      } catch (error) {
        throw mapClientError(error, 'read of $all');
      }
      const raw = resolved.event;
      if (!raw) continue;
      const recorded = toRecordedEvent(raw, resolved.commitPosition);
      yield { raw, position: recorded.position, event: () => recorded };
    }
  } finally {
    // A consumer that stops early lets the client's read go too.
    await events.return?.(undefined);
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
