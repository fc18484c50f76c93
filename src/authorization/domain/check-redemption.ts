import { isErasedPersonalData } from '../../storage/personal-data/personal-data-envelope.js';
import { AuthorizationCodeRejectedError } from './authorization-code.errors.js';
import type { AuthorizationCodeIssued } from './authorization-code.events.js';
import type { AuthorizationCodeState } from './authorization-code.evolver.js';
import { verifyPkce } from './pkce.js';
import { narrowResources } from './resource-indicators.js';

export interface RedemptionAttempt {
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  /** The RFC 8707 resources the token request names (empty: all the code's). */
  resources: readonly string[];
}

/**
 * The rules a redemption must pass, in order; a refusal writes nothing, so a client that made a
 * mistake (a wrong verifier) has not used its code up. A replay of a redeemed code is left to the
 * caller: it is the one refusal that must be recorded.
 */
export function checkRedemption(state: AuthorizationCodeState, attempt: RedemptionAttempt, now: number): AuthorizationCodeIssued {
  const issued = state.issued;
  if (issued === null) throw new AuthorizationCodeRejectedError('unknown');
  // Any second use is a replay, whoever presents it (RFC 6749 §4.1.2).
  if (state.redeemed !== null) return issued;
  if (issued.clientId !== attempt.clientId) throw new AuthorizationCodeRejectedError('client_mismatch');
  if (now > issued.expiresAt) throw new AuthorizationCodeRejectedError('expired');
  if (attempt.redirectUri !== issued.redirectUri) throw new AuthorizationCodeRejectedError('redirect_uri_mismatch');
  if (issued.codeChallenge === null) {
    // OAuth 2.1: a verifier for a code issued without a challenge is a downgrade attempt.
    if (attempt.codeVerifier !== undefined) throw new AuthorizationCodeRejectedError('pkce_failed');
  } else if (attempt.codeVerifier === undefined || !verifyPkce(issued.codeChallengeMethod ?? 'S256', issued.codeChallenge, attempt.codeVerifier)) {
    throw new AuthorizationCodeRejectedError('pkce_failed');
  }
  if (narrowResources(issued.resources ?? [], attempt.resources) === null) throw new AuthorizationCodeRejectedError('resource_not_granted');
  // Its claims were crypto-shredded: there is nobody left to issue tokens about.
  if (isErasedPersonalData(issued.claims)) throw new AuthorizationCodeRejectedError('subject_forgotten');
  return issued;
}
