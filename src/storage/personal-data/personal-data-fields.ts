import type { JsonObject } from '#event-store';
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
  [SESSION_STARTED, { fields: ['identity'], subjectOf: (data: JsonObject) => data['subject'] }],
]);
