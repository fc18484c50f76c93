import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EventStore, MemoryEventStore, SqliteEventStore } from '#event-store';
import { raceChildProcesses } from '../../libs/event-store/src/testing/child-process-race.js';
import { collect } from '../../libs/event-store/src/testing/subscription-probe.js';
import { FixedClock } from '../common/clock.js';
import type { ServerSecrets } from '../config/data-directory.js';
import { SecretHasher } from '../crypto/secret-hasher.js';
import { IssueAuthorizationCodeCommand, type AuthorizationCodeRequest } from './commands/issue-authorization-code.command.js';
import { IssueAuthorizationCodeHandler } from './commands/issue-authorization-code.handler.js';
import { RedeemAuthorizationCodeCommand } from './commands/redeem-authorization-code.command.js';
import { RedeemAuthorizationCodeHandler } from './commands/redeem-authorization-code.handler.js';
import { AuthorizationCodeRejectedError, type CodeRejection } from './domain/authorization-code.errors.js';
import { authorizationCodeStream } from './domain/authorization-code.events.js';
import { MeshidConfig } from '../config/meshid-config.js';

/** The default lifetime of an authorization code. */
const CODE_LIFETIME_MS = new MeshidConfig().authorizationCodeLifetime * 1000;

const secrets: ServerSecrets = { pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } };
const hasher = new SecretHasher(secrets);
const context = { actor: 'grafana', correlationId: 'c-1' };
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const request: AuthorizationCodeRequest = {
  clientId: 'grafana',
  redirectUri: 'https://grafana.example.ts.net/login/generic_oauth',
  scope: ['openid', 'email'],
  subject: 'userid:7743467757367193',
  claims: { email: 'alice@example.com' },
  authTime: 1_800_000_000,
  nonce: 'n-0S6_WzA2Mj',
};

function harness(store: EventStore, clock = new FixedClock(Date.UTC(2026, 10, 23, 12))) {
  const issue = new IssueAuthorizationCodeHandler(store, hasher, clock, new MeshidConfig());
  const redeem = new RedeemAuthorizationCodeHandler(store, hasher, clock);
  const redeemWith = (code: string, overrides: Partial<{ clientId: string; redirectUri: string | undefined; verifier: string | undefined; resources: string[] }> = {}) =>
    redeem.execute(
      new RedeemAuthorizationCodeCommand(
        code,
        overrides.clientId ?? request.clientId,
        'redirectUri' in overrides ? overrides.redirectUri : request.redirectUri,
        'verifier' in overrides ? overrides.verifier : undefined,
        overrides.resources ?? [],
        context,
      ),
    );
  return { clock, issue: (r: Partial<AuthorizationCodeRequest> = {}) => issue.execute(new IssueAuthorizationCodeCommand({ ...request, ...r }, context)), redeemWith };
}

async function rejection(promise: Promise<unknown>): Promise<CodeRejection> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthorizationCodeRejectedError);
  return (error as AuthorizationCodeRejectedError).reason;
}

describe('authorization codes', () => {
  let store: MemoryEventStore;
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    store = new MemoryEventStore();
    h = harness(store);
  });

  it('issues a code that redeems once into a grant, with what was issued', async () => {
    const { code, expiresAt } = await h.issue();
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(h.clock.now() + CODE_LIFETIME_MS);
    const redeemed = await h.redeemWith(code);
    expect(redeemed.grantId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(redeemed.issued).toMatchObject({ clientId: 'grafana', subject: request.subject, nonce: request.nonce, scope: ['openid', 'email'] });
  });

  it('never stores the code itself, in events or stream names', async () => {
    const { code } = await h.issue();
    await h.redeemWith(code);
    const all = await collect(store.readAll());
    expect(all.map((e) => e.stream)).toEqual([authorizationCodeStream(hasher.digest(code)), authorizationCodeStream(hasher.digest(code))]);
    expect(JSON.stringify(all.map((e) => [e.stream, e.data, e.metadata]))).not.toContain(code);
  });

  it('refuses a replay, records it with the first grant, so that grant can be revoked', async () => {
    const { code } = await h.issue();
    const { grantId } = await h.redeemWith(code);
    const error = await h.redeemWith(code).catch((e: unknown) => e as AuthorizationCodeRejectedError);
    expect(error).toMatchObject({ reason: 'already_redeemed', grantId, error: 'invalid_grant' });
    const types = (await collect(store.readStream(authorizationCodeStream(hasher.digest(code))))).map((e) => e.type);
    expect(types).toEqual(['AuthorizationCodeIssued', 'AuthorizationCodeRedeemed', 'AuthorizationCodeReuseDetected']);
    // A replay by another client is a replay too.
    expect(await rejection(h.redeemWith(code, { clientId: 'attacker' }))).toBe('already_redeemed');
  });

  it('lets exactly one of 50 parallel redemptions succeed', async () => {
    const { code } = await h.issue();
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => h.redeemWith(code)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[]) {
      expect(o.reason).toMatchObject({ reason: 'already_redeemed', grantId: (won[0] as PromiseFulfilledResult<{ grantId: string }>).value.grantId });
    }
  });

  it.each<[string, CodeRejection, Partial<{ clientId: string; redirectUri: string | undefined; verifier: string | undefined }>]>([
    ['another client', 'client_mismatch', { clientId: 'proxmox' }],
    ['another redirect_uri', 'redirect_uri_mismatch', { redirectUri: 'https://grafana.example.ts.net/other' }],
    ['no redirect_uri', 'redirect_uri_mismatch', { redirectUri: undefined }],
    ['a verifier for a code issued without PKCE', 'pkce_failed', { verifier }],
  ])('refuses %s without using the code up', async (_, reason, overrides) => {
    const { code } = await h.issue();
    expect(await rejection(h.redeemWith(code, overrides))).toBe(reason);
    await expect(h.redeemWith(code)).resolves.toHaveProperty('grantId');
  });

  it('checks PKCE: S256 and plain, a wrong, missing or malformed verifier', async () => {
    const s256 = (await h.issue({ codeChallenge: challenge, codeChallengeMethod: 'S256' })).code;
    expect(await rejection(h.redeemWith(s256))).toBe('pkce_failed');
    expect(await rejection(h.redeemWith(s256, { verifier: randomBytes(32).toString('base64url') }))).toBe('pkce_failed');
    expect(await rejection(h.redeemWith(s256, { verifier: 'short' }))).toBe('pkce_failed');
    expect(await rejection(h.redeemWith(s256, { verifier: `${verifier}!` }))).toBe('pkce_failed');
    await expect(h.redeemWith(s256, { verifier })).resolves.toHaveProperty('grantId');
    const plain = (await h.issue({ codeChallenge: verifier, codeChallengeMethod: 'plain' })).code;
    await expect(h.redeemWith(plain, { verifier })).resolves.toHaveProperty('grantId');
  });

  it('refuses an unknown code and one that has expired', async () => {
    expect(await rejection(h.redeemWith(SecretHasher.generate()))).toBe('unknown');
    const { code } = await h.issue();
    h.clock.advance(CODE_LIFETIME_MS + 1);
    expect(await rejection(h.redeemWith(code))).toBe('expired');
  });
});

describe('authorization codes on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshid-codes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets exactly one of 50 parallel redemptions succeed in one process', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'one.db') });
    const h = harness(store);
    const { code } = await h.issue();
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => h.redeemWith(code)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    await store.close();
  });

  it('lets exactly one of several processes redeem the same code', async () => {
    const path = join(dir, 'shared.db');
    const store = new SqliteEventStore({ path });
    // The racing processes read the real clock: issue the code at the real time too.
    const { code } = await harness(store, new FixedClock(Date.now())).issue();
    const script = fileURLToPath(new URL('./testing/redeem-code.process.ts', import.meta.url));
    const args = [path, code, secrets.pepper.toString('base64url'), request.clientId, request.redirectUri];
    const outcomes = await raceChildProcesses<{ outcome: string; reason?: string }>(script, Array.from({ length: 4 }, () => args));
    expect(outcomes.filter((o) => o.outcome === 'error')).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'redeemed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.reason === 'already_redeemed')).toHaveLength(3);
    const redeemed = (await collect(store.readStream(authorizationCodeStream(hasher.digest(code))))).filter((e) => e.type === 'AuthorizationCodeRedeemed');
    expect(redeemed).toHaveLength(1);
    await store.close();
  }, 60000);
});
