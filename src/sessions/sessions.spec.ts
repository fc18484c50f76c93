import { beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { FixedClock } from '../common/clock.js';
import { loadAggregate } from '../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../crypto/secret-hasher.js';
import { EndSessionCommand } from './commands/end-session.command.js';
import { EndSessionHandler } from './commands/end-session.handler.js';
import { StartSessionCommand } from './commands/start-session.command.js';
import { StartSessionHandler } from './commands/start-session.handler.js';
import { SESSION_ENDED, SESSION_STARTED, sessionStream } from './domain/session.events.js';
import { isLive, sessionEvolver } from './domain/session.evolver.js';
import { isSessionId } from './domain/session-id.js';

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'dev:alice@example.com', correlationId: 'c-1' };

describe('browser sessions', () => {
  let store: MemoryEventStore;
  let clock: FixedClock;
  let start: StartSessionHandler;
  let end: EndSessionHandler;

  beforeEach(() => {
    store = new MemoryEventStore();
    clock = new FixedClock(Date.UTC(2026, 10, 23));
    start = new StartSessionHandler(store, hasher, clock);
    end = new EndSessionHandler(store, clock);
  });

  const types = async (sessionId: string) => {
    const out: string[] = [];
    for await (const event of store.readStream(sessionStream(sessionId))) out.push(event.type);
    return out;
  };
  const state = async (sessionId: string) => (await loadAggregate(store, sessionStream(sessionId), sessionEvolver)).state;

  it('starts with a random id and stores only the HMAC of its secret', async () => {
    const started = await start.execute(new StartSessionCommand('dev:alice', context));
    expect(isSessionId(started.sessionId)).toBe(true);
    expect(started.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const loaded = await state(started.sessionId);
    expect(isLive(loaded)).toBe(true);
    expect(loaded.started).toEqual({ subject: 'dev:alice', secretDigest: hasher.digest(started.secret), startedAt: clock.now(), method: 'network' });
    expect(JSON.stringify(loaded)).not.toContain(started.secret);
    const other = await start.execute(new StartSessionCommand('dev:alice', context));
    expect(other.sessionId).not.toBe(started.sessionId);
  });

  it('ends once: ending again, or ending an unknown session, writes nothing', async () => {
    const { sessionId } = await start.execute(new StartSessionCommand('dev:alice', context));
    const first = await end.execute(new EndSessionCommand(sessionId, 'logout', context));
    expect(first.ended).toBe(true);
    expect(first.position).not.toBeNull();
    expect(await end.execute(new EndSessionCommand(sessionId, 'identity_changed', context))).toEqual({ ended: false, position: null });
    expect(await types(sessionId)).toEqual([SESSION_STARTED, SESSION_ENDED]);
    expect((await state(sessionId)).ended).toEqual({ reason: 'logout', endedAt: clock.now() });
    expect(await end.execute(new EndSessionCommand('AAAAAAAAAAAAAAAAAAAAAA', 'logout', context))).toEqual({ ended: false, position: null });
    expect(await types('AAAAAAAAAAAAAAAAAAAAAA')).toEqual([]);
  });

  it('of concurrent ends (two tabs, two replicas) exactly one is written', async () => {
    const { sessionId } = await start.execute(new StartSessionCommand('dev:alice', context));
    const results = await Promise.all(Array.from({ length: 5 }, () => end.execute(new EndSessionCommand(sessionId, 'logout', context))));
    expect(results.filter((r) => r.ended)).toHaveLength(1);
    expect(await types(sessionId)).toEqual([SESSION_STARTED, SESSION_ENDED]);
  });

  it('folds: the first end wins and an ended session stays ended', () => {
    const event = (type: string, data: Record<string, unknown>) => ({ type, data }) as never;
    let s = sessionEvolver.initial;
    expect(isLive(s)).toBe(false);
    s = sessionEvolver.evolve(s, event(SESSION_STARTED, { subject: 'a', secretDigest: 'd', startedAt: 1 }));
    expect(isLive(s)).toBe(true);
    s = sessionEvolver.evolve(s, event(SESSION_ENDED, { reason: 'identity_changed', endedAt: 2 }));
    s = sessionEvolver.evolve(s, event(SESSION_ENDED, { reason: 'logout', endedAt: 3 }));
    expect(s.ended).toEqual({ reason: 'identity_changed', endedAt: 2 });
    expect(isLive(s)).toBe(false);
  });
});
