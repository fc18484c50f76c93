import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { CommandBus } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, ProjectionRunner, type ReadModelDatabase } from '#projections';
import { FixedClock } from '../../common/clock.js';
import { newGrantId } from '../../common/ids.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { IssueGrantCommand, type GrantRequest } from '../../tokens/commands/issue-grant.command.js';
import { IssueGrantHandler } from '../../tokens/commands/issue-grant.handler.js';
import { RevokeGrantCommand } from '../../tokens/commands/revoke-grant.command.js';
import { GrantLookup } from '../../tokens/read-model/grant-lookup.js';
import { RevokeGrantHandler } from '../../tokens/commands/revoke-grant.handler.js';
import { GRANT_REVOKED, grantStream } from '../../tokens/domain/grant.events.js';
import { EndSessionCommand } from '../commands/end-session.command.js';
import { EndSessionHandler } from '../commands/end-session.handler.js';
import { StartSessionCommand } from '../commands/start-session.command.js';
import { StartSessionHandler } from '../commands/start-session.handler.js';
import { SESSION_REACTOR_ACTOR, SessionGrantsReactor } from './session-grants.reactor.js';

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'test', correlationId: 'logout-1' };

describe('SessionGrantsReactor', () => {
  let store: MemoryEventStore;
  let revoke: RevokeGrantHandler;
  const cleanups: (() => unknown)[] = [];
  const clock = new FixedClock(Date.UTC(2026, 10, 23));

  beforeEach(() => {
    store = new MemoryEventStore();
    revoke = new RevokeGrantHandler(store, new GrantLookup(store));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A replica: its own read-model database and reactor over the shared log, revoking through the real handler. */
  async function replica(): Promise<{ runner: ProjectionRunner; reactor: SessionGrantsReactor; readModel: ReadModelDatabase }> {
    const readModel = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
    const bus = { execute: (command: RevokeGrantCommand) => revoke.execute(command) } as unknown as CommandBus;
    const reactor = new SessionGrantsReactor(bus);
    const runner = new ProjectionRunner(store, readModel.db, [reactor]);
    cleanups.push(() => readModel.close(), () => runner.stop());
    await runner.start();
    return { runner, reactor, readModel };
  }

  const startSession = async () => (await new StartSessionHandler(store, hasher, clock).execute(new StartSessionCommand('dev:alice', context))).sessionId;
  const endSession = async (sessionId: string) => (await new EndSessionHandler(store, clock).execute(new EndSessionCommand(sessionId, 'logout', context))).position!;
  async function issueGrant(sessionId: string | null, origin: GrantRequest['origin'] = 'authorization_code'): Promise<string> {
    const grant: GrantRequest = { grantId: newGrantId(), clientId: 'grafana', subject: 'dev:alice', scope: ['openid'], claims: {}, authTime: 1, origin, sessionId };
    await new IssueGrantHandler(store, hasher, clock).execute(new IssueGrantCommand(grant, 60_000, context));
    return grant.grantId;
  }
  async function revocations(grantId: string) {
    const out: Array<{ reason: unknown; actor: unknown; correlationId: unknown }> = [];
    for await (const event of store.readStream(grantStream(grantId))) {
      if (event.type === GRANT_REVOKED) out.push({ reason: event.data['reason'], actor: event.metadata.actor, correlationId: event.metadata.correlationId });
    }
    return out;
  }

  it("revokes every grant of an ended session, and only those, before waitFor reaches the end", async () => {
    const { runner } = await replica();
    const sessionId = await startSession();
    const other = await startSession();
    const [a, b] = [await issueGrant(sessionId), await issueGrant(sessionId)];
    const untouched = [await issueGrant(other), await issueGrant(null), await issueGrant(null, 'client_credentials')];

    await runner.waitFor(await endSession(sessionId), 2000);
    for (const grantId of [a, b]) {
      expect(await revocations(grantId)).toEqual([{ reason: 'session_ended', actor: SESSION_REACTOR_ACTOR, correlationId: 'logout-1' }]);
    }
    for (const grantId of untouched) expect(await revocations(grantId)).toEqual([]);
  });

  it('revokes a grant issued under a session that had already ended (a code redeemed during logout)', async () => {
    const { runner } = await replica();
    const sessionId = await startSession();
    await runner.waitFor(await endSession(sessionId), 2000);
    const late = await issueGrant(sessionId);
    const { position } = await store.append('probe-1', [{ type: 'Probe', data: {} }], 'any');
    await runner.waitFor(position, 2000);
    expect(await revocations(late)).toEqual([{ reason: 'session_ended', actor: SESSION_REACTOR_ACTOR, correlationId: 'logout-1' }]);
  });

  it('passes over grants recorded before sessions existed (no sessionId field)', async () => {
    const { runner, readModel } = await replica();
    const grantId = newGrantId();
    const old = { grantId, clientId: 'grafana', subject: 'dev:alice', scope: ['openid'], claims: {}, authTime: 1, origin: 'authorization_code', refreshTokenDigest: null, refreshExpiresAt: null };
    const { position } = await store.append(grantStream(grantId), [{ type: 'GrantIssued', data: old }], 'no_stream');
    await runner.waitFor(position, 2000);
    expect(readModel.db.prepare('SELECT count(*) AS n FROM session_grants').get()).toEqual({ n: 0 });
    expect(runner.status()[0]).toMatchObject({ running: true, error: null });
  });

  it('is harmless on two replicas: each grant is revoked exactly once', async () => {
    const [one, two] = [await replica(), await replica()];
    const sessionId = await startSession();
    const grants = await Promise.all([1, 2, 3].map(() => issueGrant(sessionId)));
    const ended = await endSession(sessionId);
    await Promise.all([one.runner.waitFor(ended, 2000), two.runner.waitFor(ended, 2000)]);
    for (const grantId of grants) expect(await revocations(grantId)).toHaveLength(1);
    // Both outboxes are drained: nothing is retried later.
    for (const { readModel } of [one, two]) {
      expect(readModel.db.prepare('SELECT count(*) AS n FROM session_grants WHERE revoke_pending = 1').get()).toEqual({ n: 0 });
    }
  });

  it('relies on RevokeGrant being idempotent, also under concurrency', async () => {
    const grantId = await issueGrant(null);
    const command = () => new RevokeGrantCommand(grantId, 'session_ended', undefined, context);
    const results = await Promise.all(Array.from({ length: 4 }, () => revoke.execute(command())));
    expect(results.filter((r) => r.revoked)).toHaveLength(1);
    expect(await revoke.execute(command())).toEqual({ revoked: false, position: null });
    expect(await revocations(grantId)).toHaveLength(1);
  });
});
