import type { RequestParameters } from '../../authorization/http/request-parameters.js';
import { afterSignIn, parseReturnTo } from '../../sessions/http/return-to.js';

/** The return_to of a request: absent, valid, or given but refused (not one of our authorization requests). */
export type ReturnTo = { ok: true; returnTo: string | null } | { ok: false };

export function readReturnTo(params: RequestParameters): ReturnTo {
  const raw = params.get('return_to');
  if (raw === undefined) return { ok: true, returnTo: null };
  const returnTo = parseReturnTo(raw);
  return returnTo === null ? { ok: false } : { ok: true, returnTo };
}

/** Where a successful sign-in goes: back to the authorization request, or to the account page. */
export const destinationAfterSignIn = (returnTo: string | null) => (returnTo !== null ? afterSignIn(returnTo) : '/account');

export const loginPath = (returnTo: string | null) => (returnTo !== null ? `/login?${new URLSearchParams({ return_to: returnTo })}` : '/login');

/** A wait, in words: seconds under a minute, else whole minutes rounded up. */
export function minutesText(seconds: number): string {
  return seconds < 60 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`;
}
