import { describe, expect, it } from '@jest/globals';
import type { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { FixedClock } from '../common/clock.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { SecretHasher } from '../crypto/secret-hasher.js';
import { BrowserSessions } from './browser-sessions.js';
import { EndSessionCommand } from './commands/end-session.command.js';
import type { SessionSignIn } from './commands/start-session.command.js';
import { EndSessionHandler } from './commands/end-session.handler.js';
import { StartSessionHandler } from './commands/start-session.handler.js';
import { SessionLookup } from './read-model/session-lookup.js';

const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
const context = { actor: 'test', correlationId: 'c' };

function harness(issuer = 'http://127.0.0.1:8080') {
  const store = new MemoryEventStore();
  const clock = new FixedClock(0);
  const start = new StartSessionHandler(store, hasher, clock);
  const end = new EndSessionHandler(store, clock);
  const bus = { execute: (command: object) => (command instanceof EndSessionCommand ? end.execute(command) : start.execute(command as never)) } as unknown as CommandBus;
  const sessions = new BrowserSessions(new SessionLookup(store), hasher, bus, Object.assign(new MeshidConfig(), { issuer }));
  /** One browser: sends its cookie, keeps what Set-Cookie says. */
  let cookie: string | undefined;
  const request = () => ({ headers: cookie === undefined ? {} : { cookie: `other=1; ${cookie}` } }) as unknown as FastifyRequest;
  const set: string[] = [];
  const reply = { header: (_name: string, value: string) => set.push(value) } as unknown as FastifyReply;
  const signIn = async (subject: string, fresh = false) => {
    const sid = await sessions.establish(request(), reply, subject, fresh, context);
    const last = set.at(-1);
    if (last !== undefined) cookie = last.split(';')[0];
    return sid;
  };
  const accountSignIn = async (subject: string, signIn: SessionSignIn) => {
    const sid = await sessions.signIn(request(), reply, subject, signIn, context);
    cookie = set.at(-1)!.split(';')[0];
    return sid;
  };
  return { sessions, signIn, accountSignIn, request, set, setCookie: (value: string | undefined) => (cookie = value), lookup: new SessionLookup(store) };
}

describe('BrowserSessions', () => {
  it('reuses a live session of the same subject, and starts one for prompt=login', async () => {
    const h = harness();
    const sid = await h.signIn('alice');
    expect(h.set).toHaveLength(1);
    expect(await h.signIn('alice')).toBe(sid);
    expect(h.set).toHaveLength(1);
    const fresh = await h.signIn('alice', true);
    expect(fresh).not.toBe(sid);
    expect((await h.lookup.state(sid)).ended).toBeNull();
  });

  it('ends the cookie session of another subject (identity_changed) before starting one', async () => {
    const h = harness();
    const alice = await h.signIn('alice');
    const bob = await h.signIn('bob');
    expect(bob).not.toBe(alice);
    expect((await h.lookup.state(alice)).ended).toMatchObject({ reason: 'identity_changed' });
    expect(await h.sessions.current(h.request())).toEqual({ sessionId: bob, subject: 'bob', startedAt: 0, method: 'network' });
  });

  it('starts a new session for every sign-in the session carries, keeping how it happened and whom an approval vouched for', async () => {
    const h = harness();
    const first = await h.accountSignIn('account:a', { method: 'password' });
    const again = await h.accountSignIn('account:a', { method: 'passkey' });
    expect(again).not.toBe(first);
    // The same person's earlier session stays alive for the relying parties signed in under it.
    expect((await h.lookup.state(first)).ended).toBeNull();
    expect(await h.sessions.current(h.request())).toEqual({ sessionId: again, subject: 'account:a', startedAt: 0, method: 'passkey' });

    const identity = { claims: { groups: [], email: 'b@example.com' }, snapshot: { source: 'tailscale' as const, login: 'b@example.com', capabilities: [] } };
    const approved = await h.accountSignIn('userid:2', { method: 'approval', identity });
    expect((await h.lookup.state(again)).ended).toMatchObject({ reason: 'identity_changed' });
    expect(await h.sessions.current(h.request())).toEqual({ sessionId: approved, subject: 'userid:2', startedAt: 0, method: 'approval', identity });
  });

  it('trusts a cookie only with the right secret: a known sid alone neither reuses nor ends a session', async () => {
    const h = harness();
    const alice = await h.signIn('alice');
    h.setCookie(`meshid_session=${alice}.${'A'.repeat(43)}`);
    expect(await h.sessions.current(h.request())).toBeNull();
    expect(await h.signIn('bob')).not.toBe(alice);
    expect((await h.lookup.state(alice)).ended).toBeNull();
    for (const junk of ['meshid_session=', 'meshid_session=abc.def', `meshid_session=${alice}`]) {
      h.setCookie(junk);
      expect(await h.sessions.current(h.request())).toBeNull();
    }
  });

  it('names the cookie __Host- and marks it Secure on an https issuer, and reads only that name there', async () => {
    const h = harness('https://idp.example');
    await h.signIn('alice');
    expect(h.set[0]).toMatch(/^__Host-meshid_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const value = h.set[0]!.split(';')[0]!.slice('__Host-meshid_session='.length);
    h.setCookie(`__Host-meshid_session=${value}`);
    expect(await h.sessions.current(h.request())).not.toBeNull();
    h.setCookie(`meshid_session=${value}`);
    expect(await h.sessions.current(h.request())).toBeNull();
  });

  it('binds form tokens to the session', async () => {
    const h = harness();
    const [a, b] = [await h.signIn('alice'), await h.signIn('alice', true)];
    const token = h.sessions.formToken(a);
    expect(h.sessions.isFormToken(a, token)).toBe(true);
    expect(h.sessions.isFormToken(b, token)).toBe(false);
    expect(h.sessions.isFormToken(a, `${token} `)).toBe(false);
    expect(token).not.toBe(hasher.digest(a));
  });
});
