import type { JsonObject } from '#event-store';

export const LOGIN_SUCCEEDED = 'LoginSucceeded';
export const LOGIN_FAILED = 'LoginFailed';

export type LoginMethod = 'password' | 'passkey' | 'approval';

/**
 * Someone signed in (in the day's `audit-<date>` stream; the address is in the metadata). No
 * personal data beyond the pseudonymous subject, so nothing to seal.
 */
export interface LoginSucceeded extends JsonObject {
  subject: string;
  method: LoginMethod;
  clientId: string | null;
}

/**
 * A sign-in failed. `accountId` is the account it was for, when the login named one; never the
 * login typed (it may be a password typed into the wrong field), never a password or code.
 */
export interface LoginFailed extends JsonObject {
  accountId: string | null;
  /** `account:<accountId>`, for exports filtered by subject; null with accountId. */
  subject: string | null;
  method: LoginMethod;
  reason: string;
  /** Failures from the same address not recorded one by one since the last recorded (see LoginTrail). */
  suppressed: number;
}
