import { beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore, WrongExpectedVersionError } from '#event-store';
import { collect } from '../../libs/event-store/src/testing/subscription-probe.js';
import { FixedClock } from '../common/clock.js';
import { newGrantId } from '../common/ids.js';
import { SecretHasher } from '../crypto/secret-hasher.js';
import type { PolicyService, Reidentification } from '../policy/policy.service.js';
import { IssueGrantCommand, type GrantRequest } from './commands/issue-grant.command.js';
import { IssueGrantHandler } from './commands/issue-grant.handler.js';
import { RevokeGrantCommand } from './commands/revoke-grant.command.js';
import { RevokeGrantHandler } from './commands/revoke-grant.handler.js';
import { RotateRefreshTokenCommand, type RefreshPolicy } from './commands/rotate-refresh-token.command.js';
import { RotateRefreshTokenHandler } from './commands/rotate-refresh-token.handler.js';
import { RefreshTokenRejectedError, type RefreshRejection } from './domain/grant.errors.js';
import { grantStream } from './domain/grant.events.js';
import { GrantLookup } from './read-model/grant-lookup.js';

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'grafana', correlationId: 'c-1' };
const DAY = 24 * 3600 * 1000;
const policy: RefreshPolicy = { ttlMs: 30 * DAY, reuseGraceMs: 0 };

/** Policy that finds every person as the grant holds them, unless a test says otherwise. */
let lookup: Reidentification = { kind: 'unchanged' };
/** The resources the person's rules allow now. */
let allowedResources: string[] = [];
const policy_ = {
  reidentify: async () => lookup,
  allowedAudiences: (_identity: unknown, requested: readonly string[]) => requested.filter((resource) => allowedResources.includes(resource)),
} as unknown as PolicyService;

describe('grants and refresh tokens', () => {
  let store: MemoryEventStore;
  let clock: FixedClock;
  let grant: GrantRequest;
  let issue: (ttl?: number | null) => Promise<string>;
  let refresh: (
    token: string,
    overrides?: Partial<{ clientId: string; scope: string[]; resources: string[]; policy: RefreshPolicy }>,
  ) => ReturnType<RotateRefreshTokenHandler['execute']>;
  let revoke: RevokeGrantHandler;

  beforeEach(() => {
    store = new MemoryEventStore();
    clock = new FixedClock(Date.UTC(2026, 10, 23));
    grant = { grantId: newGrantId(), clientId: 'grafana', subject: 'userid:1', scope: ['openid', 'email', 'offline_access'], claims: { email: 'a@example.com' }, authTime: 1, origin: 'authorization_code' };
    const issuer = new IssueGrantHandler(store, hasher, clock);
    issue = async (ttl = policy.ttlMs) => (await issuer.execute(new IssueGrantCommand(grant, ttl, context))).refreshToken!;
    const rotator = new RotateRefreshTokenHandler(store, hasher, clock, new GrantLookup(store), policy_);
    refresh = (token, o = {}) => rotator.execute(new RotateRefreshTokenCommand(token, o.clientId ?? 'grafana', o.scope, o.resources ?? [], o.policy ?? policy, context));
    revoke = new RevokeGrantHandler(store, new GrantLookup(store));
  });

  async function rejection(promise: Promise<unknown>): Promise<RefreshRejection> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshTokenRejectedError);
    return (error as RefreshTokenRejectedError).reason;
  }

  it('rotates the refresh token on every use; each token works once', async () => {
    const first = await issue();
    expect(first.startsWith(`${grant.grantId}.`)).toBe(true);
    const second = await refresh(first);
    expect(second.refreshToken).not.toBe(first);
    expect(second.scope).toEqual(grant.scope);
    const third = await refresh(second.refreshToken);
    expect(third.grant.subject).toBe('userid:1');
  });

  it('revokes the whole grant when a rotated token is replayed', async () => {
    const first = await issue();
    const { refreshToken: second } = await refresh(first);
    expect(await rejection(refresh(first))).toBe('reused');
    expect(await rejection(refresh(second))).toBe('revoked');
    const types = (await collect(store.readStream(grantStream(grant.grantId)))).map((e) => e.type);
    expect(types).toEqual(['GrantIssued', 'RefreshTokenRotated', 'RefreshTokenReuseDetected', 'GrantRevoked']);
  });

  it('within a configured grace window refuses a just-rotated token without revoking', async () => {
    const first = await issue();
    const { refreshToken: second } = await refresh(first);
    clock.advance(1000);
    expect(await rejection(refresh(first, { policy: { ...policy, reuseGraceMs: 5000 } }))).toBe('reused');
    await expect(refresh(second)).resolves.toHaveProperty('refreshToken');
  });

  it('lets exactly one of 50 parallel refreshes with one token succeed', async () => {
    const token = await issue();
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => refresh(token)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[]) {
      expect(o.reason).toBeInstanceOf(RefreshTokenRejectedError);
    }
  });

  it('refuses another client, an unknown or malformed token, an expired one and a widened scope', async () => {
    const token = await issue();
    expect(await rejection(refresh(token, { clientId: 'proxmox' }))).toBe('client_mismatch');
    expect(await rejection(refresh(`${grant.grantId}.${SecretHasher.generate()}`))).toBe('unknown');
    expect(await rejection(refresh(`${newGrantId()}.${SecretHasher.generate()}`))).toBe('unknown');
    expect(await rejection(refresh('not-a-token'))).toBe('unknown');
    const widened = await refresh(token, { scope: ['openid', 'groups'] }).catch((e: RefreshTokenRejectedError) => e);
    expect(widened).toMatchObject({ reason: 'scope_widened', error: 'invalid_scope' });
    const narrowed = await refresh(token, { scope: ['openid'] });
    expect(narrowed.scope).toEqual(['openid']);
    clock.advance(31 * DAY);
    expect(await rejection(refresh(narrowed.refreshToken))).toBe('expired');
  });

  it('binds each refresh to the granted resources: narrows, never widens, and follows the rules as they are now', async () => {
    const [mcp, api] = ['https://mcp.example.com', 'https://api.example.com'];
    grant = { ...grant, resources: [mcp, api] };
    allowedResources = [mcp, api];
    const first = await issue();
    const all = await refresh(first);
    expect(all.resources).toEqual([mcp, api]);
    const narrowed = await refresh(all.refreshToken, { resources: [api] });
    expect(narrowed.resources).toEqual([api]);
    expect(await rejection(refresh(narrowed.refreshToken, { resources: ['https://other.example.com'] }))).toBe('resource_widened');
    // The rules no longer allow the API: it drops out; asking for it alone is refused without rotating.
    allowedResources = [mcp];
    const partly = await refresh(narrowed.refreshToken);
    expect(partly.resources).toEqual([mcp]);
    expect(await rejection(refresh(partly.refreshToken, { resources: [api] }))).toBe('resource_denied');
    expect((await refresh(partly.refreshToken)).resources).toEqual([mcp]);
    const events = await collect(store.readStream(grantStream(grant.grantId)));
    expect(events.map((e) => e.data['resources'])).toEqual([[mcp, api], [mcp, api], [api], [mcp], [mcp]]);
    allowedResources = [];
  });

  it('revokes once, only for the owning client, and then refuses refreshes', async () => {
    const token = await issue();
    expect(await revoke.execute(new RevokeGrantCommand(grant.grantId, 'revoked_by_client', 'proxmox', context))).toEqual({ revoked: false, position: null });
    expect((await revoke.execute(new RevokeGrantCommand(grant.grantId, 'revoked_by_client', 'grafana', context))).revoked).toBe(true);
    expect((await revoke.execute(new RevokeGrantCommand(grant.grantId, 'logout', undefined, context))).revoked).toBe(false);
    expect(await rejection(refresh(token))).toBe('revoked');
  });

  it('stores only digests of refresh tokens', async () => {
    const first = await issue();
    const { refreshToken } = await refresh(first);
    const raw = JSON.stringify((await collect(store.readAll())).map((e) => e.data));
    for (const token of [first, refreshToken]) expect(raw).not.toContain(token.split('.')[1]);
  });

  it('revokes ahead of issuance when a replayed code names a grant not issued yet', async () => {
    const revokedFirst = await revoke.execute(new RevokeGrantCommand(grant.grantId, 'authorization_code_reuse', undefined, context));
    expect(revokedFirst.revoked).toBe(true);
    await expect(issue()).rejects.toBeInstanceOf(WrongExpectedVersionError);
    // Nobody else can create a grant's stream by revoking an unknown id.
    const stranger = newGrantId();
    expect((await revoke.execute(new RevokeGrantCommand(stranger, 'revoked_by_client', 'grafana', context))).revoked).toBe(false);
    expect(await collect(store.readStream(grantStream(stranger)))).toEqual([]);
  });

  it('records an unrecorded (client_credentials) grant as revoked only for a presented access token', async () => {
    const unrecorded = newGrantId();
    const revokeFor = (presentedAccessToken: boolean, clientId: string | undefined) =>
      revoke.execute(new RevokeGrantCommand(unrecorded, 'revoked_by_client', clientId, context, presentedAccessToken));
    expect((await revokeFor(false, 'svc')).revoked).toBe(false);
    expect((await revokeFor(true, undefined)).revoked).toBe(false);
    expect(await collect(store.readStream(grantStream(unrecorded)))).toEqual([]);
    expect((await revokeFor(true, 'svc')).revoked).toBe(true);
    expect((await revokeFor(true, 'svc')).revoked).toBe(false);
    const events = await collect(store.readStream(grantStream(unrecorded)));
    expect(events.map((e) => e.data)).toEqual([{ reason: 'revoked_by_client', clientId: 'svc' }]);
  });

  it('keeps refreshing correctly when another process rotates the same grant', async () => {
    const elsewhere = new RotateRefreshTokenHandler(store, hasher, clock, new GrantLookup(store), policy_);
    const viaElsewhere = (token: string) => elsewhere.execute(new RotateRefreshTokenCommand(token, 'grafana', undefined, [], policy, context));
    const first = await issue();
    const { refreshToken: second } = await refresh(first); // cached here at revision 1
    const { refreshToken: third } = await viaElsewhere(second); // appended behind this handler's back
    const { refreshToken: fourth } = await refresh(third); // so the cached grant must catch up
    expect(await rejection(viaElsewhere(second))).toBe('reused');
    expect(await rejection(refresh(fourth))).toBe('revoked');
  });

  it('reads only the events appended since the grant was last loaded', async () => {
    const reads: Array<bigint | 'start' | 'end' | undefined> = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options) => {
      if (stream === grantStream(grant.grantId)) reads.push(options?.fromRevision);
      return readStream(stream, options);
    };
    let token = await issue();
    for (let i = 0; i < 5; i++) ({ refreshToken: token } = await refresh(token));
    expect(reads).toEqual(['start', 1n, 2n, 3n, 4n]);
  });

  it('records a changed identity with the rotation, and revokes the grant of a person the tailnet no longer knows', async () => {
    const identity = { source: 'tailscale' as const, login: 'alice@example.com', capabilities: [], nodeAddress: '100.64.0.1' };
    try {
      lookup = { kind: 'current', claims: { email: 'a@example.com', name: 'Alice', groups: [] }, identity };
      const first = await issue();
      const rotated = await refresh(first);
      expect(rotated.identity).toEqual({ claims: { email: 'a@example.com', name: 'Alice', groups: [] }, snapshot: identity });
      const again = await refresh(rotated.refreshToken); // the same person again: nothing new to record
      const events = await collect(store.readStream(grantStream(grant.grantId)));
      expect(events.map((e) => 'reidentified' in (e.data as object))).toEqual([false, true, false]);
      lookup = { kind: 'gone' };
      expect(await rejection(refresh(again.refreshToken))).toBe('identity_gone');
      expect((await collect(store.readStream(grantStream(grant.grantId)))).at(-1)?.data).toEqual({ reason: 'identity_gone' });
    } finally {
      lookup = { kind: 'unchanged' };
    }
  });
});
