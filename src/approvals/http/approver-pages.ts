import type { FastifyReply } from 'fastify';
import type { Identity } from '../../policy/identity.js';
import type { ApprovalOutcome } from '../commands/answer-approval.command.js';
import type { ApprovalRequested } from '../domain/approval.events.js';
import type { ApprovalStatus } from '../domain/approval.evolver.js';
import { form, list, paragraph, sendApprovalPage } from './approval-page.js';

export function sendCodeEntryPage(reply: FastifyReply, status: number, approver: Identity, formToken: string, problem?: string): void {
  sendApprovalPage(reply, status, 'Approve a sign-in', [
    ...(problem !== undefined ? [paragraph(problem)] : []),
    paragraph(`You are ${approver.login}. Enter the code the other browser shows to sign it in as you.`),
    form({ action: '/approve', hidden: { form_token: formToken }, input: { name: 'code', label: 'Code', placeholder: 'XXXX-XXXX' }, buttons: [{ name: 'lookup', value: '1', label: 'Next' }] }),
  ]);
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * Which application and which browser ask, and the three numbers. Picking the one the other
 * browser shows proves the person is looking at it: someone who forwarded a code they were sent
 * (phishing) cannot know the number.
 */
export function sendQuestionPage(reply: FastifyReply, request: ApprovalRequested, choices: number[], approvalId: string, formToken: string): void {
  sendApprovalPage(reply, 200, 'Is this you signing in?', [
    paragraph('A browser asks to be signed in as you:'),
    list([`Application: ${request.clientName} (${request.clientId})`, `Browser: ${request.browser}`, `Address: ${request.ip}`, `Asked at: ${when(request.requestedAt)}`]),
    paragraph('Pick the number that browser shows. If you did not ask for this, or the number is not there, deny.'),
    form({
      action: '/approve/decision',
      hidden: { approval_id: approvalId, form_token: formToken },
      buttons: [...choices.map((n) => ({ name: 'answer', value: String(n), label: String(n) })), { name: 'answer', value: 'deny', label: 'Deny' }],
    }),
  ]);
}

const OUTCOMES: Record<ApprovalOutcome, [number, string, (login: string) => string]> = {
  granted: [200, 'Sign-in approved', (login) => `The other browser is now being signed in as ${login}.`],
  denied: [200, 'Sign-in denied', () => 'The other browser will not be signed in.'],
  wrong_number: [200, 'Wrong number: sign-in refused', () => 'That was not the number the other browser shows, so the request was refused. If you are trying to sign in, start again there.'],
};

export function answeredPage(reply: FastifyReply, outcome: ApprovalOutcome, approver: Identity): void {
  const [status, title, say] = OUTCOMES[outcome];
  sendApprovalPage(reply, status, title, [paragraph(say(approver.login))]);
}

const NOT_PENDING: Partial<Record<ApprovalStatus, string>> = {
  expired: 'This code has expired. Ask for a new one in the other browser.',
  granted: 'This request has already been approved.',
  redeemed: 'This request has already been approved and used.',
  denied: 'This request has already been refused.',
};

export function notPendingPage(reply: FastifyReply, status: ApprovalStatus): void {
  sendApprovalPage(reply, 409, 'This request is no longer waiting', [paragraph(NOT_PENDING[status] ?? 'No sign-in request has this code.')]);
}
