import type { FastifyReply } from 'fastify';
import { button, field, form, hidden, join, list, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage, sendPage } from '../../common/http/html/html-page.js';
import type { Identity } from '../../policy/identity.js';
import type { ApprovalOutcome } from '../commands/answer-approval.command.js';
import type { ApprovalRequested } from '../domain/approval.events.js';
import type { ApprovalStatus } from '../domain/approval.evolver.js';

export function sendCodeEntryPage(reply: FastifyReply, status: number, approver: Identity, formToken: string, problem?: string): void {
  const body = join([
    problem !== undefined && paragraph(problem),
    paragraph(`You are ${approver.login}. Enter the code the other browser shows to sign it in as you.`),
    form('approval-code-entry', '/approve', [
      hidden('form_token', formToken),
      field({ label: 'Code', name: 'code', autocomplete: 'off', placeholder: 'XXXX-XXXX', required: true, copiedCode: true, maxLength: 32 }, 'approval-code-entry'),
      button({ label: 'Next', name: 'lookup', value: '1' }),
    ]),
  ]);
  sendHtmlPage(reply, 'Approve a sign-in', body, { status });
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * Which application and which browser ask, and the three numbers. Picking the one the other
 * browser shows proves the person is looking at it: someone who forwarded a code they were sent
 * (phishing) cannot know the number.
 */
export function sendQuestionPage(reply: FastifyReply, request: ApprovalRequested, choices: number[], approvalId: string, formToken: string): void {
  const body = join([
    paragraph('A browser asks to be signed in as you:'),
    list([`Application: ${request.clientName} (${request.clientId})`, `Browser: ${request.browser}`, `Address: ${request.ip}`, `Asked at: ${when(request.requestedAt)}`]),
    paragraph('Pick the number that browser shows. If you did not ask for this, or the number is not there, deny.'),
    form('approval-answer', '/approve/decision', [
      hidden('approval_id', approvalId),
      hidden('form_token', formToken),
      ...choices.map((n) => button({ label: String(n), name: 'answer', value: String(n) })),
      button({ label: 'Deny', name: 'answer', value: 'deny' }),
    ]),
  ]);
  sendHtmlPage(reply, 'Is this you signing in?', body);
}

const OUTCOMES: Record<ApprovalOutcome, [number, string, (login: string) => string]> = {
  granted: [200, 'Sign-in approved', (login) => `The other browser is now being signed in as ${login}.`],
  denied: [200, 'Sign-in denied', () => 'The other browser will not be signed in.'],
  wrong_number: [200, 'Wrong number: sign-in refused', () => 'That was not the number the other browser shows, so the request was refused. If you are trying to sign in, start again there.'],
};

export function answeredPage(reply: FastifyReply, outcome: ApprovalOutcome, approver: Identity): void {
  const [status, title, say] = OUTCOMES[outcome];
  sendPage(reply, status, title, [say(approver.login)]);
}

const NOT_PENDING: Partial<Record<ApprovalStatus, string>> = {
  expired: 'This code has expired. Ask for a new one in the other browser.',
  granted: 'This request has already been approved.',
  redeemed: 'This request has already been approved and used.',
  denied: 'This request has already been refused.',
};

export function notPendingPage(reply: FastifyReply, status: ApprovalStatus): void {
  sendPage(reply, 409, 'This request is no longer waiting', [NOT_PENDING[status] ?? 'No sign-in request has this code.']);
}
