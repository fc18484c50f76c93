import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ForgetSubjectHandler } from './commands/forget-subject.handler.js';

/** People's accounts and personal data: so far, forgetting a subject (crypto-shredding). */
@Module({ providers: [Clock, ForgetSubjectHandler] })
export class AccountsModule {}
