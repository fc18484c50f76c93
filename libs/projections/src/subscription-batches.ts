import { comparePositions, type Position, type RecordedEvent, type SubscriptionMessage } from '#event-store';

/** Consecutive subscription messages that the runner commits in one transaction. */
export interface SubscriptionBatch {
  /** The events, in `$all` order. */
  events: RecordedEvent[];
  /** The position of the last event or checkpoint of the batch; null if it holds neither. */
  position: Position | null;
  /** The batch ends with `caughtUp`: once it is committed the projection is live. */
  caughtUp: boolean;
}

const TURN_ENDED = Symbol('turn ended');

/** Resolves after the pending I/O of this event-loop turn, i.e. once every ready message has arrived. */
function endOfTurn(): Promise<typeof TURN_ENDED> {
  return new Promise((resolve) => setImmediate(resolve, TURN_ENDED));
}

/**
 * Groups the messages of a subscription into batches: a batch takes every message that is
 * already available (delivered before the event loop's next turn), up to `maxMessages`, and
 * ends at `caughtUp`. A message is never held back waiting for a later one, so a live event is
 * committed within one turn of its arrival, while catch-up commits hundreds per transaction.
 *
 * Ending the iteration early waits for the source's pending `next()`: abort the subscription's
 * signal first, or this waits for the next append.
 */
export async function* batchMessages(
  source: AsyncIterable<SubscriptionMessage>,
  maxMessages: number,
): AsyncGenerator<SubscriptionBatch> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
  let finished = false;
  try {
    while (!finished) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) {
        finished = true;
        return;
      }
      const batch: SubscriptionBatch = { events: [], position: null, caughtUp: false };
      let open = addMessage(batch, first.value);
      let count = 1;
      let turn: Promise<typeof TURN_ENDED> | undefined;
      while (open && count < maxMessages) {
        pending = iterator.next();
        turn ??= endOfTurn();
        const next = await Promise.race([pending, turn]);
        if (next === TURN_ENDED) break; // `pending` starts the next batch
        pending = undefined;
        if (next.done) {
          finished = true;
          break;
        }
        open = addMessage(batch, next.value);
        count += 1;
      }
      yield batch;
    }
  } finally {
    if (!finished) {
      await pending?.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/** Adds `message` to `batch`; false when the batch must end after it. */
function addMessage(batch: SubscriptionBatch, message: SubscriptionMessage): boolean {
  switch (message.kind) {
    case 'event':
      batch.events.push(message.event);
      batch.position = message.event.position;
      return true;
    case 'checkpoint':
      // Checkpoints never move a batch backwards, whatever the adapter reports.
      if (batch.position === null || comparePositions(message.position, batch.position) > 0) {
        batch.position = message.position;
      }
      return true;
    case 'caughtUp':
      batch.caughtUp = true;
      return false;
  }
}
