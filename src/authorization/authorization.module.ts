import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { IssueAuthorizationCodeHandler } from './commands/issue-authorization-code.handler.js';
import { RedeemAuthorizationCodeHandler } from './commands/redeem-authorization-code.handler.js';
import { GiveConsentHandler } from './commands/give-consent.handler.js';
import { ConsentRecords } from './consent-records.js';

@Module({ providers: [Clock, IssueAuthorizationCodeHandler, RedeemAuthorizationCodeHandler, ConsentRecords, GiveConsentHandler], exports: [ConsentRecords] })
export class AuthorizationModule {}
