import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Position } from '#event-store';
import { type CurrentSession, BrowserSessions } from '../../sessions/browser-sessions.js';
import { ProjectionsService } from '../../storage/projections.service.js';
import { AccountDirectory } from '../read-model/account-directory.js';
import type { AccountView } from '../read-model/account-view.js';

export interface SignedInAccount {
  session: CurrentSession;
  account: AccountView;
}

/** How long the account page waits for the read model to show the change just made. */
const READ_YOUR_WRITES_MS = 5000;

/**
 * The account a browser is signed in to with its own credentials: a live session of method
 * `password` or `passkey` whose account still exists and is enabled. Sessions the network vouches
 * for, and approvals, are not the account's owner proving themselves, so they get no account page.
 */
@Injectable()
export class SignedInAccounts {
  private readonly logger = new Logger('AccountPage');

  constructor(
    private readonly sessions: BrowserSessions,
    private readonly directory: AccountDirectory,
    private readonly projections: ProjectionsService,
  ) {}

  async current(request: FastifyRequest): Promise<SignedInAccount | null> {
    const session = await this.sessions.current(request);
    if (session === null || (session.method !== 'password' && session.method !== 'passkey')) return null;
    const account = await this.directory.bySubject(session.subject);
    return account === null || account.disabled ? null : { session, account };
  }

  /** Whether `token` is the form token of this session (CSRF), compared in constant time. */
  isFormToken(signedIn: SignedInAccount, token: string | undefined): boolean {
    return token !== undefined && this.sessions.isFormToken(signedIn.session.sessionId, token);
  }

  formToken(signedIn: SignedInAccount): string {
    return this.sessions.formToken(signedIn.session.sessionId);
  }

  /** Waits (bounded) until the read models show a command's write, so the page reloaded after it shows it. */
  async settle(result: unknown): Promise<void> {
    const position = (result as { position?: Position } | undefined)?.position;
    if (position === undefined || position === null) return;
    try {
      await this.projections.waitFor(position, READ_YOUR_WRITES_MS);
    } catch (error) {
      this.logger.warn(`the account read model is behind: ${(error as Error).message}`);
    }
  }
}
