import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { Clock } from '../common/clock.js';
import { PolicyModule } from '../policy/policy.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ApprovalReader } from './approval-reader.js';
import { AnswerApprovalHandler } from './commands/answer-approval.handler.js';
import { RedeemApprovalHandler } from './commands/redeem-approval.handler.js';
import { RequestApprovalHandler } from './commands/request-approval.handler.js';
import { ApprovalForms } from './http/approval-forms.js';
import { ApproverController } from './http/approver.controller.js';
import { TailnetApprover } from './http/tailnet-approver.js';
import { WaitingBrowserController } from './http/waiting-browser.controller.js';

/**
 * Approve from a tailnet device (issue G §3): a browser outside the tailnet shows a short code
 * and a number; a person on one of their tailnet devices enters the code, checks the request
 * and picks the number; the waiting browser is then signed in as them. Each approval is its
 * own stream (`approval-<HMAC of the code>`), read directly: no read model. Sign-ins are
 * recorded by the accounts' LoginTrail, one trail for every way in.
 */
@Module({
  imports: [AccountsModule, ClientsModule, PolicyModule, SessionsModule],
  controllers: [WaitingBrowserController, ApproverController],
  providers: [Clock, ApprovalReader, ApprovalForms, TailnetApprover, RequestApprovalHandler, AnswerApprovalHandler, RedeemApprovalHandler],
})
export class ApprovalsModule {}
