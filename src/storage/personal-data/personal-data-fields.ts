import type { JsonObject } from '#event-store';
import { APPROVAL_GRANTED } from '../../approvals/domain/approval.events.js';
import { ACCOUNT_CREATED, ACCOUNT_UPDATED, accountSubject } from '../../accounts/domain/account.events.js';
import { AUTHORIZATION_CODE_ISSUED } from '../../authorization/domain/authorization-code.events.js';
import { SESSION_STARTED } from '../../sessions/domain/session.events.js';
import { GRANT_ISSUED, REFRESH_TOKEN_ROTATED } from '../../tokens/domain/grant.events.js';

/** Which top-level fields of an event type are a person's data, and whose. */
export interface PersonalDataDeclaration {
  readonly fields: readonly string[];
  /** The subject the fields belong to, read from the event before sealing. */
  subjectOf(data: JsonObject): unknown;
}

/**
 * Every event type that carries personal data: the claims and identity snapshot of a sign-in
 * (name, email, picture, groups, node, login). Appending one of these without its subject is
 * refused rather than written in clear. Adding personal data to an event means adding it here.
 */
export const PERSONAL_DATA: ReadonlyMap<string, PersonalDataDeclaration> = new Map([
  [AUTHORIZATION_CODE_ISSUED, { fields: ['claims', 'identity'], subjectOf: (data: JsonObject) => data['subject'] }],
  [GRANT_ISSUED, { fields: ['claims', 'identity'], subjectOf: (data: JsonObject) => data['subject'] }],
  [REFRESH_TOKEN_ROTATED, { fields: ['reidentified'], subjectOf: (data: JsonObject) => data['subject'] }],
  // The approver's identity as the tailnet gave it, carried to the waiting browser's session.
  [APPROVAL_GRANTED, { fields: ['identity'], subjectOf: (data: JsonObject) => data['subject'] }],
  [SESSION_STARTED, { fields: ['identity'], subjectOf: (data: JsonObject) => data['subject'] }],
  // A local account's profile: its subject is the account's `sub`, so forgetting it erases them.
  [ACCOUNT_CREATED, { fields: ['login', 'name', 'email', 'groups'], subjectOf: accountSubjectOf }],
  [ACCOUNT_UPDATED, { fields: ['name', 'email', 'groups'], subjectOf: accountSubjectOf }],
]);

function accountSubjectOf(data: JsonObject): unknown {
  return typeof data['accountId'] === 'string' && data['accountId'].length > 0 ? accountSubject(data['accountId']) : undefined;
}
