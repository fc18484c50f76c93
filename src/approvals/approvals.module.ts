import { Module } from '@nestjs/common';
import { LoginTrail } from '../accounts/sign-in/login-trail.js';
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
 * own stream (`approval-<id>`), read directly: no read model. LoginTrail is provided here rather
 * than imported: only its success path is used, which keeps no state.
 */
@Module({
  imports: [ClientsModule, PolicyModule, SessionsModule],
  controllers: [WaitingBrowserController, ApproverController],
  providers: [Clock, LoginTrail, ApprovalReader, ApprovalForms, TailnetApprover, RequestApprovalHandler, AnswerApprovalHandler, RedeemApprovalHandler],
})
export class ApprovalsModule {}
