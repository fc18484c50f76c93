import type Database from 'better-sqlite3';
import { publishedAt } from '../../keys/domain/rotation-policy.js';
import type { SigningKeyStatus } from '../../keys/domain/signing-keys.evolver.js';

export interface ClientAt {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  created_at: string;
  updated_at: string;
}

export interface SigningKeyAt {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  generated_at: string;
  activated_at: string | null;
  retired_at: string | null;
  unpublish_after: string | null;
}

export interface GrantAt {
  grant_id: string;
  client_id: string;
  subject: string;
  login: string | null;
  scope: string[];
  issued_at: string;
  last_used_at: string;
  refresh_expires_at: string | null;
}

export interface SignInAt {
  subject: string;
  /** The login of their latest grant to the client (null once erased, or when none was recorded). */
  login: string | null;
  client_id: string;
  first_issued_at: string;
  last_used_at: string;
  grants: number;
}

/** What `meshid audit at` answers, read from the materialised read models. */
export interface StateAt {
  clients: ClientAt[];
  signing_keys: SigningKeyAt[];
  grants: GrantAt[];
  sign_ins: SignInAt[];
}

/**
 * Reads the state at `at` from read models replayed up to that moment (null `at`: the empty log).
 * The tables already hold only what happened up to the moment; `at` decides what time alone ends:
 * a retired key's publication (`publishedAt`, as JWKS decides it) and a refresh token's expiry.
 * Times are compared as ISO-8601 UTC text, the form every read-model table stores.
 */
export function readStateAt(db: Database.Database, at: Date | null): StateAt {
  if (at === null) return { clients: [], signing_keys: [], grants: [], sign_ins: [] };
  const iso = at.toISOString();
  const clients = (db.prepare('SELECT client_id, client_name, metadata, created_at, updated_at FROM clients ORDER BY client_id').all() as Array<
    Omit<ClientAt, 'redirect_uris'> & { metadata: string }
  >).map(({ metadata, ...client }) => ({ ...client, redirect_uris: redirectUrisOf(metadata) }));
  const keys = db
    .prepare('SELECT kid, alg, status, generated_at, activated_at, retired_at, unpublish_after FROM signing_keys ORDER BY generated_at, kid')
    .all() as SigningKeyAt[];
  const grants = (
    db
      .prepare(
        `SELECT grant_id, client_id, subject, login, scope, issued_at, last_used_at, refresh_expires_at FROM grants
         WHERE issued_at <= @at AND (revoked_at IS NULL OR revoked_at > @at) AND (refresh_expires_at IS NULL OR refresh_expires_at > @at)
         ORDER BY issued_at, grant_id`,
      )
      .all({ at: iso }) as Array<Omit<GrantAt, 'scope'> & { scope: string }>
  ).map((grant) => ({ ...grant, scope: JSON.parse(grant.scope) as string[] }));
  const signIns = db
    .prepare(
      `SELECT subject,
              (SELECT latest.login FROM grants latest WHERE latest.subject = g.subject AND latest.client_id = g.client_id
                 AND latest.issued_at <= @at ORDER BY latest.issued_at DESC, latest.grant_id DESC LIMIT 1) AS login,
              client_id, MIN(issued_at) AS first_issued_at, MAX(last_used_at) AS last_used_at, COUNT(*) AS grants
       FROM grants g WHERE issued_at <= @at GROUP BY subject, client_id ORDER BY subject, client_id`,
    )
    .all({ at: iso }) as SignInAt[];
  return { clients, signing_keys: keys.filter((key) => publishedAt({ status: key.status, unpublishAfter: key.unpublish_after }, at.getTime())), grants, sign_ins: signIns };
}

function redirectUrisOf(metadata: string): string[] {
  const parsed = JSON.parse(metadata) as { redirect_uris?: unknown };
  return Array.isArray(parsed.redirect_uris) ? parsed.redirect_uris.filter((uri): uri is string => typeof uri === 'string') : [];
}
