import { SecretHasher } from '../../crypto/secret-hasher.js';

/**
 * A refresh token is `<grantId>.<secret>`: the grant id (not secret) names the stream to load,
 * so no lookup table is needed, and only the HMAC of the secret is ever stored.
 */
export interface RefreshTokenParts {
  grantId: string;
  secret: string;
}

const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function newRefreshToken(grantId: string): { token: string; secret: string } {
  const secret = SecretHasher.generate();
  return { token: `${grantId}.${secret}`, secret };
}

/** The parts of a well-formed refresh token, or null for anything else. */
export function parseRefreshToken(token: string): RefreshTokenParts | null {
  const match = REFRESH_TOKEN.exec(token);
  return match ? { grantId: match[1]!, secret: match[2]! } : null;
}
