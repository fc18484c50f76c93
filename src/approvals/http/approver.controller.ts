import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formBody, readParameters } from '../../authorization/http/request-parameters.js';
import { Clock } from '../../common/clock.js';
import { sendPage } from '../../common/http/html/html-page.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import type { Identity } from '../../policy/identity.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { ApprovalReader } from '../approval-reader.js';
import { AnswerApprovalCommand, type ApprovalAnswer } from '../commands/answer-approval.command.js';
import { ApprovalNotPendingError } from '../domain/approval.errors.js';
import { normaliseApprovalCode, numberChoices } from '../domain/approval-code.js';
import { approvalIdOf, isApprovalId } from '../domain/approval-id.js';
import { AddressLimiter } from './address-limiter.js';
import { ApprovalForms } from './approval-forms.js';
import { answeredPage, notPendingPage, sendCodeEntryPage, sendQuestionPage } from './approver-pages.js';
import { TailnetApprover } from './tailnet-approver.js';

/**
 * Wrong codes per address: 10 per 10 minutes. With 32^8 codes, each alive 5 minutes, guessing
 * one that happens to be pending stays hopeless (and the approver is on the tailnet anyway).
 */
const CODE_ENTRY_BUDGET = { attempts: 10, windowMs: 10 * 60_000, maxAddresses: 10_000 };

/**
 * The approver, on a tailnet device: `GET /approve` asks for the code, `POST /approve` shows
 * which application and which browser ask, with three numbers to pick from, and
 * `POST /approve/decision` records the answer. Only people the network identifies get past the
 * first page (TailnetApprover); every form carries a token bound to them.
 */
@Controller()
export class ApproverController {
  private readonly logger = new Logger('Approvals');
  private readonly codeEntries: AddressLimiter;

  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ApprovalReader,
    private readonly forms: ApprovalForms,
    private readonly network: TailnetApprover,
    private readonly hasher: SecretHasher,
    clock: Clock,
  ) {
    this.codeEntries = new AddressLimiter(CODE_ENTRY_BUDGET, () => clock.now());
  }

  @Get('approve')
  async entry(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const approver = await this.approver(request, reply);
    if (approver !== null) sendCodeEntryPage(reply, 200, approver, this.forms.codeEntry(approver.subject));
  }

  @Post('approve')
  async lookUp(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const approver = await this.approver(request, reply);
    if (approver === null) return;
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    const token = this.forms.codeEntry(approver.subject);
    if (!this.forms.isCodeEntry(approver.subject, params.get('form_token'))) return sendCodeEntryPage(reply, 400, approver, token, 'This form has expired; enter the code again.');
    const ip = this.network.address(request);
    const wait = this.codeEntries.retryAfter(ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendPage(reply, 429, 'Too many wrong codes', [`Wait ${wait} seconds, then try again.`]);
    }
    const code = normaliseApprovalCode(params.get('code') ?? '');
    const approvalId = code === null ? null : approvalIdOf(this.hasher, code);
    const view = approvalId === null ? null : await this.reader.view(approvalId);
    if (approvalId === null || view === null || view.status === 'unknown') {
      this.codeEntries.spend(ip);
      return sendCodeEntryPage(reply, 400, approver, token, 'No sign-in request has this code. Check it and try again.');
    }
    if (view.status !== 'pending') return notPendingPage(reply, view.status);
    sendQuestionPage(reply, view.state.requested!, numberChoices(view.state.requested!.number), approvalId, this.forms.decision(approvalId, approver.subject));
  }

  @Post('approve/decision')
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const approver = await this.approver(request, reply);
    if (approver === null) return;
    const params = readParameters(formBody(request.headers['content-type'], request.body));
    const approvalId = params.get('approval_id');
    const answer = answerOf(params.get('answer'));
    if (!isApprovalId(approvalId) || !this.forms.isDecision(approvalId, approver.subject, params.get('form_token')) || answer === null) {
      return sendPage(reply, 400, 'This answer cannot be accepted', ['The form is not valid. Enter the code again.']);
    }
    const ip = this.network.address(request);
    try {
      const outcome = await this.commands.execute(new AnswerApprovalCommand(approvalId, answer, approver, { actor: approver.subject, correlationId: String(request.id), ip }));
      if (outcome === 'wrong_number') this.logger.warn(`approval refused: ${approver.login} picked a wrong number (from ${ip})`);
      answeredPage(reply, outcome, approver);
    } catch (error) {
      if (!(error instanceof ApprovalNotPendingError)) throw error;
      notPendingPage(reply, error.status);
    }
  }

  /** The network identity of the request, or null once a page has said why there is none. */
  private async approver(request: FastifyRequest, reply: FastifyReply): Promise<Identity | null> {
    try {
      const identity = await this.network.identify(request);
      if (identity === null) {
        sendPage(reply, 403, 'Open this page from a tailnet device', [
          'Sign-ins are approved from one of your own devices on the tailnet, which tells meshid who you are.',
          'Open this address on a device that is connected to the tailnet.',
        ]);
      }
      return identity;
    } catch (error) {
      if (!(error instanceof IdentityUnavailableError)) throw error;
      this.logger.error(`cannot tell who is approving: ${error.message}`);
      reply.header('retry-after', '5');
      sendPage(reply, 503, 'Approval is unavailable right now', ['meshid could not ask the tailnet who you are. Try again in a moment.']);
      return null;
    }
  }
}

/** `deny`, or one of the two-digit numbers offered. */
function answerOf(value: string | undefined): ApprovalAnswer | null {
  if (value === 'deny') return { kind: 'deny' };
  return value !== undefined && /^[1-9][0-9]$/.test(value) ? { kind: 'number', number: Number(value) } : null;
}
