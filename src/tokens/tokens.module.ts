import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { IssueGrantHandler } from './commands/issue-grant.handler.js';
import { RevokeGrantHandler } from './commands/revoke-grant.handler.js';
import { RotateRefreshTokenHandler } from './commands/rotate-refresh-token.handler.js';

@Module({ providers: [Clock, IssueGrantHandler, RotateRefreshTokenHandler, RevokeGrantHandler] })
export class TokensModule {}
