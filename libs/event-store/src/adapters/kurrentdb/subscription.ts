import type { AllStreamResolvedEvent, AllStreamSubscription, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../../errors.js';
import type { EventFilter, SubscriptionMessage } from '../../event-store.js';
import type { PositionOrigin } from '../../position.js';
import { mapClientError } from './errors.js';
import { MessageQueue } from './message-queue.js';
import { isSystemEvent, toClientFilter, toPosition, toReadPosition, toRecordedEvent } from './mapping.js';

export interface SubscriptionOptions {
  fromPosition: PositionOrigin;
  filter: EventFilter | undefined;
  signal: AbortSignal | undefined;
  /** Registers a stop function the store calls on `close()`; returns its unregistration. */
  register(stop: () => void): () => void;
}

/** Queued messages past which the client's stream is no longer read (it then holds the server back). */
const HIGH_WATER = 64;

/**
 * A catch-up subscription to `$all` as an async iteration of `SubscriptionMessage`s.
 *
 * The client delivers events through a Node stream but checkpoints through an awaited callback
 * and `caughtUp` through an event, both fired while it processes the server's messages in
 * order. To keep that order, each of those first moves the events already buffered in the
 * stream into the queue. The filter is always set (it drops `$` event types when the caller
 * gave none), because the server sends checkpoints only to filtered subscriptions.
 *
 * Stops without error on abort, on `close()` of the store, or when the consumer leaves the
 * loop; then cancels the gRPC call.
 */
export async function* subscribeToAll(
  client: KurrentDBClient,
  options: SubscriptionOptions,
): AsyncGenerator<SubscriptionMessage, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) return;
  const queue = new MessageQueue<SubscriptionMessage>();
  const guard = (action: () => void) => {
    try {
      action();
    } catch (error) {
      queue.fail(error);
    }
  };
  const drain = (all: boolean) => {
    while (!queue.closed && (all || queue.length < HIGH_WATER)) {
      const resolved = subscription.read() as AllStreamResolvedEvent | null;
      if (resolved === null) return;
      const event = resolved.event;
      if (event && !isSystemEvent(event)) queue.push({ kind: 'event', event: toRecordedEvent(event, resolved.commitPosition) });
    }
  };
  const subscription: AllStreamSubscription = client.subscribeToAll({
    fromPosition: toReadPosition(options.fromPosition),
    filter: toClientFilter(options.filter, {
      checkpointInterval: 1,
      checkpointReached: (_subscription, position) =>
        guard(() => {
          drain(true);
          queue.push({ kind: 'checkpoint', position: toPosition(position) });
        }),
    }),
  });
  subscription.on('readable', () => guard(() => drain(false)));
  subscription.on('caughtUp', () =>
    guard(() => {
      drain(true);
      queue.push({ kind: 'caughtUp' });
    }),
  );
  subscription.on('error', (error: unknown) => queue.fail(mapClientError(error, 'subscription to $all')));
  subscription.on('end', () => queue.fail(new EventStoreUnavailableError('KurrentDB ended the subscription to $all')));
  const stop = () => queue.end();
  signal?.addEventListener('abort', stop, { once: true });
  const unregister = options.register(stop);
  try {
    for (;;) {
      guard(() => drain(false));
      const next = await queue.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    unregister();
    queue.end();
    await subscription.unsubscribe().catch(() => undefined);
    subscription.destroy();
  }
}
