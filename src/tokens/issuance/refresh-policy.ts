import type { ClientMetadata } from '../../clients/domain/client-metadata.js';
import type { RefreshPolicy } from '../commands/rotate-refresh-token.command.js';

/**
 * Whether a code grant gets a refresh token: the client must be registered for the
 * refresh_token grant and the person must have granted `offline_access`. (The client metadata
 * has no "always issue" policy field yet; when it gets one, it belongs here.)
 */
export function issuesRefreshToken(metadata: Pick<ClientMetadata, 'grant_types'>, scope: readonly string[]): boolean {
  return metadata.grant_types.includes('refresh_token') && scope.includes('offline_access');
}

/**
 * The rotation policy of a client. Rotation always happens (the grant handler always rotates);
 * `refresh_token_rotation: true` (the default) makes a replay of a rotated-away token revoke
 * the grant, once the server's reuse grace (`refreshTokenReuseGrace`, default 0) has passed;
 * `false` refuses replays for the token's whole lifetime without revoking.
 */
export function refreshPolicyOf(
  metadata: Pick<ClientMetadata, 'refresh_token_rotation' | 'refresh_token_ttl_seconds'>,
  reuseGraceSeconds: number,
): RefreshPolicy {
  const ttlMs = metadata.refresh_token_ttl_seconds * 1000;
  return { ttlMs, reuseGraceMs: metadata.refresh_token_rotation ? reuseGraceSeconds * 1000 : ttlMs };
}
