import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { publishedAt } from '../../keys/domain/rotation-policy.js';
import type { SigningKeyRow } from '../../keys/read-model/signing-keys.query.js';
import type { GrantRecord } from '../../tokens/read-model/grant-directory.js';
import type { ClientView, GrantView, KeyView } from '../api/admin-api.js';

/** How the admin API shows a client: its RFC 7591 metadata, flat, never its secret. */
export function clientView(client: RegisteredClient): ClientView {
  return {
    client_id: client.clientId,
    ...client.metadata,
    confidential: client.confidential,
    revision: Number(client.revision),
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

/** A key's state and times, never its material, public or private. */
export function keyView(row: SigningKeyRow, now: number): KeyView {
  return {
    kid: row.kid,
    alg: row.alg,
    status: row.status,
    in_jwks: publishedAt(row, now),
    generated_at: row.generatedAt,
    activate_after: row.activateAfter,
    activated_at: row.activatedAt,
    retired_at: row.retiredAt,
    unpublish_after: row.unpublishAfter,
  };
}

export function grantView(grant: GrantRecord): GrantView {
  return {
    grant_id: grant.grantId,
    client_id: grant.clientId,
    subject: grant.subject,
    login: grant.login,
    scope: grant.scope,
    resources: grant.resources,
    issued_at: grant.issuedAt,
    last_used_at: grant.lastUsedAt,
    refresh_expires_at: grant.refreshExpiresAt,
    revoked_at: grant.revokedAt,
    revoked_reason: grant.revokedReason,
  };
}
