/**
 * Why a code was refused; every reason is `invalid_grant` to the client (RFC 6749 §5.2) but a
 * resource the code was not issued for, which is `invalid_target` (RFC 8707 §2).
 */
export type CodeRejection =
  | 'unknown'
  | 'expired'
  | 'client_mismatch'
  | 'redirect_uri_mismatch'
  | 'pkce_failed'
  | 'already_redeemed'
  | 'resource_not_granted'
  /** The person was forgotten (meshid accounts forget) after the code was issued. */
  | 'subject_forgotten';

const DESCRIPTIONS: Record<CodeRejection, string> = {
  unknown: 'the authorization code is not valid',
  expired: 'the authorization code has expired',
  client_mismatch: 'the authorization code was issued to another client',
  redirect_uri_mismatch: 'redirect_uri does not match the one of the authorization request',
  pkce_failed: 'code_verifier does not match the code challenge',
  already_redeemed: 'the authorization code has already been used',
  resource_not_granted: 'a requested resource was not granted with the authorization code',
  subject_forgotten: 'the authorization code is not valid',
};

export class AuthorizationCodeRejectedError extends Error {
  override readonly name = 'AuthorizationCodeRejectedError';

  constructor(
    readonly reason: CodeRejection,
    /** For `already_redeemed`: the grant the first redemption started, to be revoked. */
    readonly grantId?: string,
  ) {
    super(DESCRIPTIONS[reason]);
  }

  get error(): 'invalid_grant' | 'invalid_target' {
    return this.reason === 'resource_not_granted' ? 'invalid_target' : 'invalid_grant';
  }
}
