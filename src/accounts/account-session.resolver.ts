import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Identity } from '../policy/identity.js';
import type { RegisteredIdentityResolver, ResolverRequest } from '../policy/identity-resolver.js';
import { IdentityService } from '../policy/identity.service.js';
import { BrowserSessions } from '../sessions/browser-sessions.js';
import { ACCOUNT_SUBJECT_PREFIX } from './domain/account.events.js';
import { identityOfAccount } from './account-identity.js';
import { AccountDirectory } from './read-model/account-directory.js';

/**
 * The `account` resolver (DESIGN §5): the person a browser's sign-in session proves, for people
 * outside the tailnet. A session of a local account (password or passkey) is that account as it
 * is now: disabled or deleted, it recognises nobody. A session started by an approval from a
 * tailnet device is the approver as recorded then. Sessions the network vouches for (`network`)
 * are not its business: those people are recognised by the network on every request.
 */
@Injectable()
export class AccountSessionResolver implements RegisteredIdentityResolver, OnModuleInit {
  readonly source = 'account' as const;

  constructor(
    private readonly sessions: BrowserSessions,
    private readonly accounts: AccountDirectory,
    private readonly identities: IdentityService,
  ) {}

  onModuleInit(): void {
    this.identities.register(this);
  }

  async resolve(request: ResolverRequest): Promise<Identity | null> {
    const session = await this.sessions.current(request);
    if (session === null) return null;
    if (session.method === 'password' || session.method === 'passkey') {
      const identity = await this.current(session.subject);
      return identity === null ? null : { ...identity, authTime: session.startedAt };
    }
    if (session.method === 'approval' && session.identity?.snapshot != null) {
      const { claims, snapshot } = session.identity;
      return { source: snapshot.source, subject: session.subject, login: snapshot.login, claims, capabilities: snapshot.capabilities, authTime: session.startedAt };
    }
    return null;
  }

  async current(subject: string): Promise<Identity | null> {
    if (!subject.startsWith(ACCOUNT_SUBJECT_PREFIX)) return null;
    const account = await this.accounts.bySubject(subject);
    return account === null || account.disabled ? null : identityOfAccount(account);
  }
}
