import type { JsonObject } from '#event-store';

export const CONSENT_GIVEN = 'ConsentGiven';

/**
 * A person's consents, one stream per person, named by a keyed digest of the subject (stream
 * names hold no personal data). Not the day's audit stream: a remembered consent decides whether
 * the consent page is shown, and audit streams expire (retention), which would make meshid ask
 * again at an arbitrary time and make a replay disagree with the live read.
 */
export const consentStream = (subjectRef: string) => `consent-${subjectRef}`;

/** The person allowed `clientId` these scopes; a later consent for the same client replaces it. */
export interface ConsentGiven extends JsonObject {
  clientId: string;
  scope: string[];
  /** Milliseconds since the epoch. */
  givenAt: number;
}
