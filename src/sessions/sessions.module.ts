import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { BrowserSessions } from './browser-sessions.js';
import { EndSessionHandler } from './commands/end-session.handler.js';
import { StartSessionHandler } from './commands/start-session.handler.js';
import { SessionGrantsReactor } from './read-model/session-grants.reactor.js';
import { SessionLookup } from './read-model/session-lookup.js';
import { SessionLogout } from './session-logout.js';

/**
 * Browser sign-in sessions (`session-<sid>` streams), the cookie that names them, and the
 * reactor that revokes a session's grants when it ends.
 */
@Module({
  providers: [Clock, StartSessionHandler, EndSessionHandler, SessionLookup, BrowserSessions, SessionGrantsReactor, SessionLogout],
  exports: [BrowserSessions, SessionLogout],
})
export class SessionsModule {}
