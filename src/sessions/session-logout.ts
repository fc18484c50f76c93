import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../common/event-sourcing/aggregate-stream.js';
import { ProjectionsService } from '../storage/projections.service.js';
import { EndSessionCommand } from './commands/end-session.command.js';
import { SessionGrantsReactor } from './read-model/session-grants.reactor.js';

/** How long a logout waits for its revocations before answering anyway. */
const LOGOUT_WAIT_MS = 5000;

/** Logout as the front channel performs it: end the session, and see its grants revoked. */
@Injectable()
export class SessionLogout {
  private readonly logger = new Logger('Logout');

  constructor(
    private readonly commands: CommandBus,
    private readonly projections: ProjectionsService,
    private readonly reactor: SessionGrantsReactor,
  ) {}

  /**
   * Ends the session (`logout`) and waits, bounded, first for this replica's reactor to have
   * reacted to the end (its grants' GrantRevoked written: their refresh tokens are refused
   * everywhere, since refresh reads the grant's stream), then for the revoked-grants read model
   * to hold those revocations (their access tokens are refused by this replica's userinfo and
   * introspection). Another replica learns of them with its own projection lag. Only the named
   * projections are awaited: filtered ones elsewhere may pass a skipped position late.
   * Returns whether this call ended the session (false: unknown or already ended).
   */
  async end(sessionId: string, context: CommandContext): Promise<boolean> {
    const { ended, position } = await this.commands.execute(new EndSessionCommand(sessionId, 'logout', context));
    if (!ended || position === null) return false;
    try {
      await this.projections.waitFor(position, LOGOUT_WAIT_MS, [this.reactor.name]);
      const revoked = this.reactor.lastRevocation;
      if (revoked !== null) await this.projections.waitFor(revoked, LOGOUT_WAIT_MS, ['revoked-grants']);
    } catch (error) {
      this.logger.warn(`session ${sessionId} ended, its grants' revocation not yet seen (correlation ${context.correlationId}): ${(error as Error).message}`);
    }
    return true;
  }
}
