import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { MemoryEventStore } from '#event-store';
import { FixedClock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import type { Identity } from '../../policy/identity.js';
import { ApprovalNotPendingError, ApprovalNotRedeemableError } from '../domain/approval.errors.js';
import { APPROVAL_LIFETIME_MS, approvalStream } from '../domain/approval.events.js';
import { approvalIdOf } from '../domain/approval-id.js';
import { AnswerApprovalCommand } from './answer-approval.command.js';
import { AnswerApprovalHandler } from './answer-approval.handler.js';
import { RedeemApprovalCommand } from './redeem-approval.command.js';
import { RedeemApprovalHandler } from './redeem-approval.handler.js';
import { RequestApprovalCommand, type RequestedApproval } from './request-approval.command.js';
import { RequestApprovalHandler } from './request-approval.handler.js';

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'anonymous', correlationId: 'c-1', ip: '203.0.113.9' };
const alice: Identity = {
  source: 'proxy-headers',
  subject: 'login:alice@example.com',
  login: 'alice@example.com',
  claims: { name: 'Alice', email: 'alice@example.com', groups: [] },
  capabilities: [],
};
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('approval commands', () => {
  let store: MemoryEventStore;
  let clock: FixedClock;
  let request: RequestApprovalHandler;
  let answer: AnswerApprovalHandler;
  let redeem: RedeemApprovalHandler;
  let asked: RequestedApproval;

  beforeEach(async () => {
    store = new MemoryEventStore();
    clock = new FixedClock(Date.UTC(2026, 10, 24));
    request = new RequestApprovalHandler(store, hasher, clock);
    answer = new AnswerApprovalHandler(store, clock);
    redeem = new RedeemApprovalHandler(store, hasher, clock);
    asked = await request.execute(new RequestApprovalCommand({ clientId: 'grafana', clientName: 'Grafana', userAgent: FIREFOX, ip: '203.0.113.9' }, context));
  });

  const events = async () => {
    const out: Array<{ type: string; data: Record<string, unknown> }> = [];
    for await (const event of store.readStream(approvalStream(asked.approvalId))) out.push({ type: event.type, data: event.data });
    return out;
  };
  const pick = (number: number) => answer.execute(new AnswerApprovalCommand(asked.approvalId, { kind: 'number', number }, alice, { ...context, actor: alice.subject }));
  const take = (secret = asked.browserSecret, clientId = 'grafana') => redeem.execute(new RedeemApprovalCommand(asked.approvalId, secret, clientId, context));

  it('records the request under the MAC of its code, never the code or the browser secret', async () => {
    expect(asked.approvalId).toBe(approvalIdOf(hasher, asked.code));
    const [requested] = await events();
    expect(requested!.type).toBe('ApprovalRequested');
    expect(requested!.data).toEqual({
      browserSecretDigest: hasher.digest(asked.browserSecret),
      number: asked.number,
      clientId: 'grafana',
      clientName: 'Grafana',
      browser: 'Firefox 128 on Linux',
      ip: '203.0.113.9',
      requestedAt: clock.now(),
      expiresAt: clock.now() + APPROVAL_LIFETIME_MS,
    });
    const everything = JSON.stringify(await events()) + approvalStream(asked.approvalId);
    expect(everything).not.toContain(asked.code);
    expect(everything).not.toContain(asked.browserSecret);
  });

  it('grants on the right number and signs the asking browser in once, as the approver', async () => {
    await expect(pick(asked.number)).resolves.toBe('granted');
    const redeemed = await take();
    expect(redeemed.subject).toBe(alice.subject);
    expect(redeemed.identity.claims).toEqual(alice.claims);
    expect(redeemed.identity.snapshot).toMatchObject({ source: 'proxy-headers', login: 'alice@example.com' });
    await expect(take()).rejects.toEqual(new ApprovalNotRedeemableError('redeemed'));
    expect((await events()).map((e) => e.type)).toEqual(['ApprovalRequested', 'ApprovalGranted', 'ApprovalRedeemed']);
  });

  it('lets exactly one of two concurrent redemptions through', async () => {
    await pick(asked.number);
    const results = await Promise.allSettled([take(), take()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([new ApprovalNotRedeemableError('redeemed')]);
  });

  it('denies for good on a wrong number; a second answer finds it answered', async () => {
    await expect(pick(asked.number === 99 ? 98 : asked.number + 1)).resolves.toBe('wrong_number');
    await expect(pick(asked.number)).rejects.toEqual(new ApprovalNotPendingError('denied'));
    await expect(take()).rejects.toEqual(new ApprovalNotRedeemableError('denied'));
    expect((await events()).map((e) => e.type)).toEqual(['ApprovalRequested', 'ApprovalDenied']);
    expect((await events())[1]!.data).toMatchObject({ reason: 'wrong_number', subject: alice.subject });
  });

  it('records a plain denial', async () => {
    await expect(answer.execute(new AnswerApprovalCommand(asked.approvalId, { kind: 'deny' }, alice, context))).resolves.toBe('denied');
    expect((await events())[1]!.data).toMatchObject({ reason: 'denied' });
  });

  it('takes one of two concurrent answers', async () => {
    const results = await Promise.allSettled([pick(asked.number), pick(asked.number)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await events()).map((e) => e.type)).toEqual(['ApprovalRequested', 'ApprovalGranted']);
  });

  it('refuses another browser, and the approval of one application for another', async () => {
    await pick(asked.number);
    await expect(take(SecretHasher.generate())).rejects.toEqual(new ApprovalNotRedeemableError('other_browser'));
    await expect(take(asked.browserSecret, 'proxmox')).rejects.toEqual(new ApprovalNotRedeemableError('other_browser'));
    await expect(take()).resolves.toMatchObject({ subject: alice.subject });
  });

  it('expires after 5 minutes, for answers and for redemption', async () => {
    clock.advance(APPROVAL_LIFETIME_MS);
    await expect(pick(asked.number)).rejects.toEqual(new ApprovalNotPendingError('expired'));
    const late = await request.execute(new RequestApprovalCommand({ clientId: 'grafana', clientName: 'Grafana', userAgent: undefined, ip: '203.0.113.9' }, context));
    await answer.execute(new AnswerApprovalCommand(late.approvalId, { kind: 'number', number: late.number }, alice, context));
    clock.advance(APPROVAL_LIFETIME_MS);
    await expect(redeem.execute(new RedeemApprovalCommand(late.approvalId, late.browserSecret, 'grafana', context))).rejects.toEqual(new ApprovalNotRedeemableError('expired'));
  });

  it('never hands out a code whose stream exists: a collision draws a fresh code', async () => {
    let calls = 0;
    const original = store.append.bind(store);
    store.append = async (stream, events, expected) => (calls++ === 0 ? original(approvalStream(asked.approvalId), events, expected) : original(stream, events, expected));
    const next = await request.execute(new RequestApprovalCommand({ clientId: 'grafana', clientName: 'Grafana', userAgent: undefined, ip: '203.0.113.9' }, context));
    expect(calls).toBe(2);
    expect(next.approvalId).not.toBe(asked.approvalId);
    expect((await events()).map((e) => e.type)).toEqual(['ApprovalRequested']);
  });
});
