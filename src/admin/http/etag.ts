import { AdminApiError } from '../api/admin-api.js';

/** The ETag of a client or an account: its stream revision, as a strong entity tag. */
export const etagOf = (revision: number): string => `"${revision}"`;

/**
 * The revision an `If-Match` header names (RFC 9110 §13.1.1): one strong entity tag of ours, or
 * `*` (any current version: undefined). Weak tags never match for If-Match, and a list of tags
 * cannot name one revision, so both are refused rather than guessed at.
 */
export function ifMatchRevision(header: string | string[] | undefined, required: boolean): number | undefined {
  if (header === undefined) {
    if (required) throw new AdminApiError('precondition_required', 'If-Match is required: send the ETag of the client or account as you last read it', [{ field: 'If-Match', message: 'is required' }]);
    return undefined;
  }
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return undefined;
  const match = /^"(0|[1-9][0-9]{0,14})"$/.exec(value);
  if (match === null) throw new AdminApiError('invalid_request', 'If-Match must be one ETag as this API sent it, e.g. "3"', [{ field: 'If-Match', message: `${JSON.stringify(value.slice(0, 40))} is not an ETag of this API` }]);
  return Number(match[1]);
}
