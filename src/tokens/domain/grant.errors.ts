export type RefreshRejection =
  | 'unknown'
  | 'client_mismatch'
  | 'revoked'
  | 'expired'
  | 'reused'
  | 'scope_widened'
  | 'identity_gone'
  | 'resource_widened'
  | 'resource_denied';

const DESCRIPTIONS: Record<RefreshRejection, string> = {
  unknown: 'the refresh token is not valid',
  client_mismatch: 'the refresh token was issued to another client',
  revoked: 'the grant of this refresh token has been revoked',
  expired: 'the refresh token has expired',
  reused: 'the refresh token was already used; the grant has been revoked',
  scope_widened: 'the requested scope exceeds the scope originally granted',
  identity_gone: 'the person this grant was issued to is no longer known (gone from the tailnet, or their account disabled or deleted); the grant has been revoked',
  resource_widened: 'a requested resource was not granted originally',
  resource_denied: 'the person may no longer access the requested resource',
};

/**
 * `invalid_grant` to the client, except a widened scope, which is `invalid_scope` (RFC 6749 §6),
 * and a resource not granted or no longer allowed, which is `invalid_target` (RFC 8707 §2).
 */
export class RefreshTokenRejectedError extends Error {
  override readonly name = 'RefreshTokenRejectedError';

  constructor(readonly reason: RefreshRejection) {
    super(DESCRIPTIONS[reason]);
  }

  get error(): 'invalid_grant' | 'invalid_scope' | 'invalid_target' {
    if (this.reason === 'scope_widened') return 'invalid_scope';
    return this.reason === 'resource_widened' || this.reason === 'resource_denied' ? 'invalid_target' : 'invalid_grant';
  }
}

/** Why a token exchange was refused: a dead subject token (`invalid_grant`), or a target its person may not reach (403 `access_denied`). */
export class TokenExchangeRefusedError extends Error {
  override readonly name = 'TokenExchangeRefusedError';

  constructor(readonly reason: 'revoked' | 'not_allowed') {
    super(reason === 'revoked' ? 'the subject token has been revoked' : 'access denied for the requested audience');
  }
}
