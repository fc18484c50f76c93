import type { ClientMetadata, ClientMetadataInput } from '../../clients/domain/client-metadata.js';
import { type FieldProblem, HttpProblem } from '../../common/http/http-problem.js';
import type { SigningAlg } from '../../keys/domain/signing-keys.events.js';
import type { SigningKeyStatus } from '../../keys/domain/signing-keys.evolver.js';

/*
 * The admin API's wire shapes (`/api/v1`, JSON, snake_case as in RFC 7591) and the one interface
 * every admin surface goes through: the HTTP controllers serve it, the web UI calls it over HTTP,
 * and the CLI calls it either in process on the data directory (offline) or over HTTP (`--url`).
 * So an admin action means the same thing, and prints the same JSON, however it is reached.
 */

/** A client as the admin API shows it: RFC 7591 metadata, flat, never its secret. */
export type ClientView = { client_id: string } & ClientMetadata & {
  confidential: boolean;
  /** The client stream's revision; `ETag: "<revision>"`, sent back as `If-Match`. */
  revision: number;
  created_at: string;
  updated_at: string;
};

/** What create and update return: the client, with its new secret when one was just issued (shown once). */
export type ClientWithSecret = ClientView & { client_secret?: string };

export interface NewSecret {
  client_id: string;
  client_secret: string;
  revision: number;
}

/** One page of a list; `next_cursor` is passed back as `cursor` for the next page (null: the last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ClientQuery {
  /** Case-insensitive substring of the id, the name or a redirect URI. */
  q?: string;
  /** 1 to 200; default 50. */
  limit?: number;
  cursor?: string;
}

/** Client metadata to create with; `client_id` only to keep an id from elsewhere. */
export type NewClient = ClientMetadataInput & { client_id?: string };

/** A change to a client: only the fields named change; lists are replaced whole. */
export type ClientChanges = ClientMetadataInput;

/** Something that happened to a client, newest first: an admin change, a grant issued or revoked. */
export interface ActivityEntry {
  /** ISO-8601. */
  at: string;
  /** The event type, e.g. ClientUpdated, GrantIssued, GrantRevoked. */
  type: string;
  /** Who did it, as recorded: `person:<login>`, `client:<id>`, `cli:<user>`, or null. */
  actor: string | null;
  /** One human line, e.g. "signed in alice@example.com" or "secret regenerated". */
  summary: string;
  grant_id?: string;
}

export interface KeyView {
  kid: string;
  alg: SigningAlg;
  /** published: in JWKS, not signing yet; active: signing; retired: signs no more. */
  status: SigningKeyStatus;
  /** In JWKS now (retired keys stay until every token they signed has expired). */
  in_jwks: boolean;
  generated_at: string;
  activate_after: string;
  activated_at: string | null;
  retired_at: string | null;
  unpublish_after: string | null;
}

export interface RotateKeys {
  /** Default: every alg. */
  algs?: SigningAlg[];
  /** Activate at once, skipping pre-publication. */
  immediate?: boolean;
}

export interface RetireKey {
  /**
   * The key is compromised: leave JWKS now, so every token it signed stops verifying. Without
   * it, a retired key stays published until the tokens it signed have expired.
   */
  unpublish_now?: boolean;
}

export interface GrantView {
  grant_id: string;
  client_id: string;
  subject: string;
  /** The person's login name when the grant recorded one. */
  login: string | null;
  scope: string[];
  resources: string[];
  issued_at: string;
  /** The last refresh, or the issue when never refreshed. */
  last_used_at: string;
  refresh_expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface GrantQuery {
  subject?: string;
  client_id?: string;
  /** true: only grants not revoked and whose refresh token has not expired. */
  active?: boolean;
  limit?: number;
  cursor?: string;
}

export interface RevokedGrants {
  /** The grants this call revoked (those already revoked are not listed). */
  revoked: string[];
}

/** What forgetting a subject did. */
export interface ForgottenSubject {
  subject: string;
  /** Whether personal data of the subject was sealed under a key that is now destroyed. */
  erased: boolean;
  /** The destroyed key's id (a keyed digest of the subject and a generation), when erased. */
  key_id: string | null;
  erased_at: string | null;
  /** The subject's grants this call revoked. */
  grants_revoked: string[];
}

export interface NewInitialAccessToken {
  /** 1 to 1000; default 1. */
  uses?: number;
  /** Seconds, 60 to 90 days; default one day. */
  expires_in?: number;
  description?: string;
}

export interface InitialAccessTokenIssued {
  token_id: string;
  /** Shown this once; only its digest is kept. */
  token: string;
  max_uses: number;
  expires_at: string;
  description?: string;
}

/** A local account as the admin API shows it: never a credential (passkeys by id and name only). */
export interface AdminAccount {
  account_id: string;
  /** `account:<account_id>`, the OIDC `sub`. */
  subject: string;
  login: string;
  name: string;
  email: string | null;
  email_verified: boolean;
  groups: string[];
  /** An administrator of meshid (allow_admin_ui and allow_dcr). */
  admin: boolean;
  disabled: boolean;
  has_password: boolean;
  has_totp: boolean;
  passkeys: Array<{ id: string; name: string; added_at: string }>;
  created_at: string;
  last_sign_in_at: string | null;
  /** The account stream's revision; `ETag: "<revision>"`, sent back as `If-Match`. */
  revision: number;
}

export interface AccountQuery {
  /** 1 to 200; default 50. */
  limit?: number;
  cursor?: string;
}

export interface NewAccount {
  /** Headscale's username rule: 2 to 64 characters, a letter first, letters, digits, `-` `.` `_`, at most one `@`. */
  login: string;
  name: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
  admin?: boolean;
}

/** A change to an account: only the fields named change; `groups` is replaced whole; `email: null` removes it. */
export interface AccountChanges {
  name?: string;
  email?: string | null;
  email_verified?: boolean;
  groups?: string[];
  admin?: boolean;
}

/** A one-time link for the person to set their password or passkey (a newer one replaces it). */
export interface AccountSetupLink {
  account_id: string;
  /** Shown this once; only its digest is kept. */
  url: string;
  expires_at: string;
}

/** What create answers: the account, and the setup link to hand to the person. */
export type CreatedAccount = AdminAccount & { setup_link: AccountSetupLink };

export interface DeletedAccount {
  account_id: string;
  subject: string;
  login: string;
  deleted: true;
  /** The subject's grants this call revoked. */
  grants_revoked: string[];
}

/** Who is calling the admin API. */
export interface Principal {
  kind: 'person' | 'client' | 'cli';
  /** As recorded in the metadata of every event the caller causes. */
  actor: string;
  /** A login name, a client name, an OS user. */
  name: string;
}

/** Why an admin call failed; the HTTP status and the CLI's exit code follow from it. */
export type AdminErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'temporarily_unavailable'
  | 'server_error';

export type { FieldProblem };

export const ADMIN_ERROR_STATUS: Readonly<Record<AdminErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  temporarily_unavailable: 503,
  server_error: 500,
};

/**
 * An admin call refused or failed. Over HTTP it is `{error, error_description, fields?}` with the
 * status above and `no-store`, the same shape as every other meshid error.
 */
export class AdminApiError extends HttpProblem {
  override readonly name = 'AdminApiError';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: AdminErrorCode,
    readonly description: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(description);
    this.status = ADMIN_ERROR_STATUS[code];
    // RFC 6750 §3: a 401 names the scheme and the scope to get, so a script knows what to send.
    this.headers = code === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="meshid admin", scope="meshid:admin"' } : {};
  }
}

/** The admin actions. Every method either resolves or throws AdminApiError. */
export interface AdminApi {
  whoami(): Promise<Principal>;

  listClients(query: ClientQuery): Promise<Page<ClientView>>;
  createClient(input: NewClient): Promise<ClientWithSecret>;
  getClient(clientId: string): Promise<ClientView>;
  /** `expectedRevision` is the If-Match ETag: a client changed since is refused (precondition_failed). */
  updateClient(clientId: string, changes: ClientChanges, expectedRevision: number): Promise<ClientWithSecret>;
  deleteClient(clientId: string, expectedRevision?: number): Promise<void>;
  regenerateSecret(clientId: string, expectedRevision?: number): Promise<NewSecret>;
  clientActivity(clientId: string, limit?: number): Promise<{ items: ActivityEntry[] }>;

  listKeys(): Promise<{ items: KeyView[] }>;
  /** The keys the rotation generated, activated or retired (empty: a rotation was already pending). */
  rotateKeys(request: RotateKeys): Promise<{ items: KeyView[] }>;
  /** The keys retiring `kid` changed: it, and the key activated in its place when it was active. */
  retireKey(kid: string, request: RetireKey): Promise<{ items: KeyView[] }>;

  listGrants(query: GrantQuery): Promise<Page<GrantView>>;
  revokeGrant(grantId: string): Promise<GrantView>;
  revokeSubjectGrants(subject: string): Promise<RevokedGrants>;

  /**
   * Forgets a subject: revokes their grants, then destroys the key their personal data is sealed
   * under, so the log keeps every event but their name, email, picture, groups and node read as
   * erased everywhere (export, replay, admin views). Irreversible.
   */
  forgetSubject(subject: string): Promise<ForgottenSubject>;

  /*
   * Local accounts. `account` is an account id or a login name (an id is tried first). Each
   * change answers the account as it is after it.
   */
  listAccounts(query: AccountQuery): Promise<Page<AdminAccount>>;
  getAccount(account: string): Promise<AdminAccount>;
  createAccount(input: NewAccount): Promise<CreatedAccount>;
  /** `expectedRevision` is the If-Match ETag: an account changed since is refused (precondition_failed). */
  updateAccount(account: string, changes: AccountChanges, expectedRevision: number): Promise<AdminAccount>;
  /** Refuses sign-in, and revokes the account's grants so its tokens stop working now. */
  disableAccount(account: string, reason?: string): Promise<AdminAccount>;
  enableAccount(account: string): Promise<AdminAccount>;
  /** A new one-time setup link (the previous one stops working): how the person (re)sets their credentials. */
  issueSetupLink(account: string): Promise<AccountSetupLink>;
  removePasskey(account: string, credentialId: string): Promise<AdminAccount>;
  removePassword(account: string): Promise<AdminAccount>;
  removeTotp(account: string): Promise<AdminAccount>;
  /** Deletes the account (its login name can be used again) and revokes its grants. */
  deleteAccount(account: string): Promise<DeletedAccount>;

  createInitialAccessToken(request: NewInitialAccessToken): Promise<InitialAccessTokenIssued>;
  revokeInitialAccessToken(tokenId: string): Promise<{ token_id: string; revoked: boolean; already_revoked: boolean }>;
}
