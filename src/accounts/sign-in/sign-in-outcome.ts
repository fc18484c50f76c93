import type { AccountView } from '../read-model/account-view.js';

/** Who is trying to sign in, as the page saw the request. */
export interface SignInAttempt {
  ip: string;
  userAgent?: string;
  correlationId: string;
  clientId?: string;
}

export type SignInFailure = 'invalid_credentials' | 'second_factor_required' | 'disabled' | 'rate_limited';

export type SignInOutcome =
  | { ok: true; account: AccountView; method: 'password' | 'passkey' }
  | { ok: false; reason: SignInFailure; retryAfterSeconds?: number };
