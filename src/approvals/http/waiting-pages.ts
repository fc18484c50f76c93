import type { FastifyReply } from 'fastify';
import { button, form, hidden, join, paragraph, strong } from '../../common/http/html/html.js';
import { sendHtmlPage, sendPage } from '../../common/http/html/html-page.js';
import type { ApprovalDenialReason } from '../domain/approval.events.js';
import type { ApprovalNotRedeemableError } from '../domain/approval.errors.js';
import { formatApprovalCode } from '../domain/approval-code.js';
import { WAITING_FORM_ID, WAITING_PAGE_SCRIPT } from './waiting-script.js';

export interface WaitingPageModel {
  code: string;
  number: number;
  expiresAt: number;
  clientName: string;
  returnTo: string;
  approveUrl: string;
  formToken: string;
  /** Continue was pressed before anyone approved. */
  notYet?: boolean;
}

/** The client_id of an authorization request path (`/authorize?...`), or null. */
export function clientIdOf(returnTo: string): string | null {
  return new URL(returnTo, 'http://meshid.invalid').searchParams.get('client_id');
}

/** The code, the number, where to enter them, and a Continue button that also works without the script. */
export function sendWaitingPage(reply: FastifyReply, status: number, model: WaitingPageModel): void {
  const until = new Date(model.expiresAt).toISOString().slice(11, 16);
  const body = join([
    model.notYet === true && paragraph('Nobody has approved this sign-in yet.'),
    paragraph(`To sign in to ${model.clientName}, open `, strong(model.approveUrl), ' on one of your devices on the tailnet and enter this code:'),
    paragraph(strong(formatApprovalCode(model.code), 'approval-code')),
    paragraph('When it asks, pick this number: ', strong(String(model.number), 'approval-number')),
    paragraph(`The code can be used once, until ${until} UTC.`),
    form(WAITING_FORM_ID, '/login/approve/complete', [
      hidden('return_to', model.returnTo),
      hidden('form_token', model.formToken),
      button({ label: 'Continue', name: 'continue', value: '1' }),
    ]),
    paragraph('This page continues by itself once you approve; if it does not, press Continue.'),
  ]);
  sendHtmlPage(reply, 'Approve this sign-in from a tailnet device', body, { status, scripts: [WAITING_PAGE_SCRIPT] });
}

const REFUSALS: Record<ApprovalNotRedeemableError['reason'], [number, string, string]> = {
  other_browser: [400, 'This sign-in cannot be completed here', 'This browser did not ask for this approval, or the request expired.'],
  unknown: [400, 'This sign-in cannot be completed here', 'There is no such approval request.'],
  pending: [409, 'Not approved yet', 'Nobody has approved this sign-in yet.'],
  denied: [403, 'The sign-in was declined', 'The person on the tailnet device declined this sign-in.'],
  redeemed: [409, 'This approval was already used', 'An approval signs in one browser once.'],
  expired: [410, 'The code has expired', 'Codes are valid for 5 minutes.'],
};

/** Why the waiting browser was not signed in; a wrong number is said as such, since it may be phishing. */
export function notRedeemablePage(reply: FastifyReply, reason: ApprovalNotRedeemableError['reason'], denial?: ApprovalDenialReason): void {
  const [status, title, why] = REFUSALS[reason];
  const detail = reason === 'denied' && denial === 'wrong_number' ? 'The number picked on the tailnet device was not the one this page showed, so the request was refused.' : why;
  sendPage(reply, status, title, [detail, 'Start the sign-in again from the application.']);
}
