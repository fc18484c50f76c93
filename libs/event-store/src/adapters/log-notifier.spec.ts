import { describe, expect, it } from '@jest/globals';
import { MemoryEventStore } from './memory.event-store.js';
import { LogNotifier } from './log-notifier.js';

describe('LogNotifier', () => {
  it('does not lose a notify that happens between reading the version and waiting', async () => {
    const notifier = new LogNotifier();
    const seen = notifier.version;
    notifier.notify();
    const started = performance.now();
    await notifier.wait(seen, 10_000);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('waits for the next notify, the timeout or an abort', async () => {
    const notifier = new LogNotifier();
    const woken = notifier.wait(notifier.version, 10_000);
    notifier.notify();
    await woken;
    const started = performance.now();
    await notifier.wait(notifier.version, 30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const aborted = notifier.wait(notifier.version, 10_000, controller.signal);
    controller.abort();
    await aborted;
  });
});

describe('followLog wake-ups', () => {
  it('delivers back-to-back appends at once, with no poll interval in between', async () => {
    const store = new MemoryEventStore(); // polls only once a second: any delay here is a lost wake-up
    const controller = new AbortController();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const message of store.subscribeAll({ signal: controller.signal })) {
        if (message.kind === 'event') seen.push(performance.now());
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    for (let i = 0; i < 5; i++) await store.append('s-1', [{ type: 'Happened', data: { i } }], 'any');
    while (seen.length < 5 && performance.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    await consumer;
    expect(seen).toHaveLength(5);
    expect(seen[4]! - started).toBeLessThan(200);
    await store.close();
  });
});
