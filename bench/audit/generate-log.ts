import { performance } from 'node:perf_hooks';
import type { EventStore, ExpectedRevision, NewEvent, Position } from '#event-store';
import { progress } from '../event-store/stats.js';
import {
  adminActionDenied,
  type Client,
  clientRegistered,
  codeIssued,
  codeRedeemed,
  grantIssued,
  grantRevoked,
  population,
  randomToken,
  refreshRotated,
  sessionStarted,
} from './log-shapes.js';

const SUBJECTS = 1_000;
const CLIENTS = 50;
/** Grants still refreshed now and then: the most recent ones, as relying parties keep sessions. */
const LIVE_GRANTS = 5_000;
/** Sign-ins between two turns of the event loop. */
const YIELD_EVERY = 100;

export interface GeneratedLog {
  /** Events this generator appended (the application adds its own: keys, seals). */
  appended: number;
  appends: number;
  seconds: number;
  /** Where the log stood once `mark` events had been appended, for each requested mark. */
  marks: Map<number, Position>;
}

interface LiveGrant {
  stream: string;
  client: Client;
  revision: bigint;
}

/**
 * Appends `events` events through `store` (EVENT_STORE: personal data gets sealed) as sign-ins
 * make them: now and then a new browser session; per sign-in an authorization code issued and
 * redeemed (`authcode-<digest>`), a grant (`grant-<id>`); one to three refresh rotations of an
 * earlier grant, some of them revoked; client registrations first and updates now and then;
 * refused admin calls in the day's audit stream. Each stream is appended at its expected revision.
 */
export async function generateLog(store: EventStore, events: number, markAt: readonly number[]): Promise<GeneratedLog> {
  const { subjects, clients } = population(SUBJECTS, CLIENTS);
  const sessions = new Map<string, string>();
  const live: LiveGrant[] = [];
  const marks = new Map<number, Position>();
  const pending = [...markAt].sort((a, b) => a - b);
  let appended = 0;
  let appends = 0;
  let nextProgress = 100_000;
  const started = performance.now();

  const append = async (stream: string, batch: NewEvent[], expected: ExpectedRevision) => {
    const result = await store.append(stream, batch, expected);
    appended += batch.length;
    appends++;
    while (pending.length > 0 && appended >= pending[0]!) marks.set(pending.shift()!, result.position);
    if (appended >= nextProgress) {
      const rate = Math.round(appended / ((performance.now() - started) / 1000)).toLocaleString('en-US');
      progress(`generated ${appended.toLocaleString('en-US')} events (${rate}/s, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB)`);
      nextProgress += 100_000;
    }
    return result;
  };

  for (const client of clients) await append(`client-${client.clientId}`, [clientRegistered(client)], 'no_stream');
  for (let signIn = 0; appended < events; signIn++) {
    // A server gets a turn of the event loop between requests; appends alone are all microtasks
    // (SQLite is synchronous), and without these turns the timers of the application's
    // projections and sealer would never run, and their backlog would grow without bound.
    if (signIn % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const now = Date.now();
    // A skewed pick (some people sign in far more often), spread over the clients.
    const subject = subjects[Math.floor(SUBJECTS * Math.random() ** 2)]!;
    const client = clients[(signIn * 7 + subject.login.length) % CLIENTS]!;
    let sessionId = sessions.get(subject.subject);
    if (sessionId === undefined || signIn % 4 === 0) {
      sessionId = randomToken(16).slice(0, 22);
      sessions.set(subject.subject, sessionId);
      await append(`session-${sessionId}`, [sessionStarted(subject, now)], 'no_stream');
    }
    const grantId = randomToken(16).slice(0, 22);
    await append(`authcode-${randomToken()}`, [codeIssued(subject, client, sessionId, now), codeRedeemed(client, grantId)], 'no_stream');
    const grant = await append(`grant-${grantId}`, [grantIssued(subject, client, grantId, sessionId, now)], 'no_stream');
    live.push({ stream: `grant-${grantId}`, client, revision: grant.nextExpectedRevision });
    if (live.length > LIVE_GRANTS) live.shift();
    // An earlier grant refreshed once to three times; one in twenty of those ends revoked.
    const index = Math.floor(Math.random() * live.length);
    const earlier = live[index]!;
    const rotations: NewEvent[] = Array.from({ length: 1 + (signIn % 3) }, () => refreshRotated(earlier.client, now));
    const revoke = signIn % 20 === 7;
    if (revoke) rotations.push(grantRevoked(earlier.client));
    const rotated = await append(earlier.stream, rotations, earlier.revision);
    if (revoke) live.splice(index, 1);
    else earlier.revision = rotated.nextExpectedRevision;
    if (signIn % 100 === 50) await append(`audit-${new Date(now).toISOString().slice(0, 10)}`, [adminActionDenied(signIn)], 'any');
    if (signIn % 5_000 === 2_500) {
      const updated = clients[signIn % CLIENTS]!;
      await append(`client-${updated.clientId}`, [clientRegistered(updated, true)], 'any');
    }
  }
  return { appended, appends, seconds: (performance.now() - started) / 1000, marks };
}
