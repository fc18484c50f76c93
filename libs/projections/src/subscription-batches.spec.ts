import { describe, expect, it } from '@jest/globals';
import { sequencePosition, type RecordedEvent, type SubscriptionMessage } from '#event-store';
import { batchMessages, type SubscriptionBatch } from './subscription-batches.js';

const event = (n: number): SubscriptionMessage => ({
  kind: 'event',
  event: { position: sequencePosition(BigInt(n)) } as RecordedEvent,
});
const checkpoint = (n: number): SubscriptionMessage => ({ kind: 'checkpoint', position: sequencePosition(BigInt(n)) });
const caughtUp: SubscriptionMessage = { kind: 'caughtUp' };
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 5));

async function* from(...parts: (SubscriptionMessage | 'pause')[]): AsyncGenerator<SubscriptionMessage> {
  for (const part of parts) {
    if (part === 'pause') await nextTurn();
    else yield part;
  }
}

const summary = (batch: SubscriptionBatch) => ({
  events: batch.events.map((e) => Number(e.position.commit)),
  position: batch.position === null ? null : Number(batch.position.commit),
  caughtUp: batch.caughtUp,
});

async function collect(source: AsyncIterable<SubscriptionMessage>, max: number) {
  const batches = [];
  for await (const batch of batchMessages(source, max)) batches.push(summary(batch));
  return batches;
}

describe('batchMessages', () => {
  it('batches what is ready, at most max messages, and ends a batch at caughtUp', async () => {
    const source = from(event(1), event(2), event(3), checkpoint(5), event(6), caughtUp, 'pause', event(7));
    expect(await collect(source, 3)).toEqual([
      { events: [1, 2, 3], position: 3, caughtUp: false },
      { events: [6], position: 6, caughtUp: true },
      { events: [7], position: 7, caughtUp: false },
    ]);
  });

  it('never holds a message back waiting for the next one', async () => {
    const source = from(event(1), 'pause', event(2), 'pause', 'pause', checkpoint(4));
    expect(await collect(source, 100)).toEqual([
      { events: [1], position: 1, caughtUp: false },
      { events: [2], position: 2, caughtUp: false },
      { events: [], position: 4, caughtUp: false },
    ]);
  });

  it('never moves a batch back to an earlier checkpoint', async () => {
    expect(await collect(from(event(5), checkpoint(3), caughtUp), 10)).toEqual([{ events: [5], position: 5, caughtUp: true }]);
  });

  it('ends the source when the consumer stops early, after its pending message', async () => {
    let ended = false;
    async function* source(): AsyncGenerator<SubscriptionMessage> {
      try {
        yield event(1);
        await nextTurn();
        yield event(2);
        yield event(3);
      } finally {
        ended = true;
      }
    }
    for await (const batch of batchMessages(source(), 10)) {
      expect(summary(batch).events).toEqual([1]);
      break;
    }
    expect(ended).toBe(true);
  });

  it('passes on the error of the source', async () => {
    async function* failing(): AsyncGenerator<SubscriptionMessage> {
      yield event(1);
      throw new Error('connection lost');
    }
    await expect(collect(failing(), 10)).rejects.toThrow('connection lost');
  });
});
