import { Injectable } from '@nestjs/common';
import { SecretHasher } from '../../crypto/secret-hasher.js';

/** Purposes of the form MACs: a key each, so a token for one form is refused by the others. */
const CODE_ENTRY = 'approval code entry form';
const DECISION = 'approval decision form';
const CONTINUE = 'approval continue form';

/**
 * CSRF tokens of the approval forms, MACs under keys derived from the server pepper (as
 * ConsentTokens): nothing is stored. The approver's forms are bound to who they are on the
 * network (and the decision form to the approval too), so a page elsewhere cannot make a
 * tailnet device approve anything; the waiting browser's Continue form is bound to its approval.
 */
@Injectable()
export class ApprovalForms {
  constructor(private readonly hasher: SecretHasher) {}

  codeEntry(approver: string): string {
    return this.hasher.mac(CODE_ENTRY, approver);
  }

  isCodeEntry(approver: string, token: string | undefined): boolean {
    return token !== undefined && this.hasher.verifyMac(CODE_ENTRY, approver, token);
  }

  decision(approvalId: string, approver: string): string {
    return this.hasher.mac(DECISION, `${approvalId}\u0000${approver}`);
  }

  isDecision(approvalId: string, approver: string, token: string | undefined): boolean {
    return token !== undefined && this.hasher.verifyMac(DECISION, `${approvalId}\u0000${approver}`, token);
  }

  continuation(approvalId: string): string {
    return this.hasher.mac(CONTINUE, approvalId);
  }

  isContinuation(approvalId: string, token: string | undefined): boolean {
    return token !== undefined && this.hasher.verifyMac(CONTINUE, approvalId, token);
  }
}
