import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { IssueAuthorizationCodeHandler } from './commands/issue-authorization-code.handler.js';
import { RedeemAuthorizationCodeHandler } from './commands/redeem-authorization-code.handler.js';

@Module({ providers: [Clock, IssueAuthorizationCodeHandler, RedeemAuthorizationCodeHandler] })
export class AuthorizationModule {}
