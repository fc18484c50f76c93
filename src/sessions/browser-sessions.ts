import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandContext } from '../common/event-sourcing/aggregate-stream.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { SecretHasher } from '../crypto/secret-hasher.js';
import { EndSessionCommand } from './commands/end-session.command.js';
import { type SessionSignIn, StartSessionCommand } from './commands/start-session.command.js';
import type { SessionMethod } from './domain/session.events.js';
import type { RecordedIdentity } from '../policy/identity-snapshot.js';
import { isLive } from './domain/session.evolver.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './http/session-cookie.js';
import { SessionLookup } from './read-model/session-lookup.js';

/** A live session the browser has proved it holds. */
export interface CurrentSession {
  sessionId: string;
  subject: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  method: SessionMethod;
  /** For `approval` sessions: the approver's identity as recorded. */
  identity?: RecordedIdentity;
}

/** Purpose of the MAC that binds a front-channel form (logout confirmation) to a session. */
const FORM_TOKEN_PURPOSE = 'session form token';

/**
 * The browser's sign-in session, as the front-channel endpoints use it. The network still
 * authenticates every request; the session only ties the sign-ins of one browser together, so
 * that logging out ends them all (their grants are revoked by SessionGrantsReactor).
 */
@Injectable()
export class BrowserSessions {
  private readonly secureCookie: boolean;

  constructor(
    private readonly lookup: SessionLookup,
    private readonly hasher: SecretHasher,
    private readonly commands: CommandBus,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.secureCookie = new URL(config.issuer).protocol === 'https:';
  }

  /**
   * The live session the request's cookie proves, or null. Both halves must hold: the id names
   * a live session and the secret matches its digest (constant time). The id alone proves
   * nothing: it is not secret, ID tokens carry it as `sid`.
   */
  async current(request: Pick<FastifyRequest, 'headers'>): Promise<CurrentSession | null> {
    const cookie = readSessionCookie(request, this.secureCookie);
    if (cookie === null) return null;
    const state = await this.lookup.state(cookie.sessionId);
    if (!isLive(state) || !this.hasher.matches(cookie.secret, state.started.secretDigest)) return null;
    const { subject, startedAt, method, identity } = state.started;
    return { sessionId: cookie.sessionId, subject, startedAt, method: method ?? 'network', ...(identity !== undefined ? { identity } : {}) };
  }

  /**
   * A sign-in the session itself carries (a local account's password or passkey, an approval
   * from a tailnet device): always a new session, whose cookie is set on `reply`, since an
   * authentication just happened. The browser's previous session is ended when it was someone
   * else's (`identity_changed`); one of the same person stays alive for the relying parties
   * signed in under it, as with prompt=login.
   */
  async signIn(request: FastifyRequest, reply: FastifyReply, subject: string, signIn: SessionSignIn, context: CommandContext): Promise<string> {
    const current = await this.current(request);
    if (current !== null && current.subject !== subject) {
      await this.commands.execute(new EndSessionCommand(current.sessionId, 'identity_changed', context));
    }
    const started = await this.commands.execute(new StartSessionCommand(subject, context, signIn));
    setSessionCookie(reply, { sessionId: started.sessionId, secret: started.secret }, this.secureCookie);
    return started.sessionId;
  }

  /**
   * The session a sign-in of `subject` belongs to: the cookie's, if it is live and of the same
   * subject (and `fresh` is not asked: prompt=login), else a new one, whose cookie is set on
   * `reply`. A cookie session of another subject is ended (`identity_changed`): the browser is
   * someone else's now. A fresh sign-in of the same subject leaves the old session alive: the
   * relying parties that signed in under it can still log it out with their id_token_hint.
   */
  async establish(request: FastifyRequest, reply: FastifyReply, subject: string, fresh: boolean, context: CommandContext): Promise<string> {
    const current = await this.current(request);
    if (current !== null && current.subject === subject && !fresh) return current.sessionId;
    if (current !== null && current.subject !== subject) {
      await this.commands.execute(new EndSessionCommand(current.sessionId, 'identity_changed', context));
    }
    const started = await this.commands.execute(new StartSessionCommand(subject, context));
    setSessionCookie(reply, { sessionId: started.sessionId, secret: started.secret }, this.secureCookie);
    return started.sessionId;
  }

  clearCookie(reply: FastifyReply): void {
    clearSessionCookie(reply, this.secureCookie);
  }

  /** A CSRF token for a form bound to this session: an HMAC of its id, under a key of its own. */
  formToken(sessionId: string): string {
    return this.hasher.mac(FORM_TOKEN_PURPOSE, sessionId);
  }

  isFormToken(sessionId: string, token: string): boolean {
    return this.hasher.verifyMac(FORM_TOKEN_PURPOSE, sessionId, token);
  }
}
