import type { JsonObject } from '#event-store';
import type { SealedSecret } from '../../crypto/key-encryption.js';

/**
 * A local account (DESIGN §4): a person who signs in from outside the tailnet with a passkey or a
 * password (and optionally TOTP). Its stream is named by a random id, never by the login, so that
 * stream names hold no personal data and a deleted account's id is never given to someone else.
 */
export const ACCOUNT_STREAM_PREFIX = 'account-';
export const accountStream = (accountId: string) => `${ACCOUNT_STREAM_PREFIX}${accountId}`;

/** The OIDC `sub` of a local account. */
export const accountSubject = (accountId: string) => `account:${accountId}`;
export const ACCOUNT_SUBJECT_PREFIX = 'account:';

/**
 * Login names are unique: `login-name-<keyed digest of the normalised login>` holds which account
 * has the name. Claiming appends at the revision read (`no_stream` for a name never used), so of
 * two creations racing for one name exactly one gets it; a deleted account releases its name.
 */
export const LOGIN_NAME_STREAM_PREFIX = 'login-name-';
export const loginNameStream = (loginRef: string) => `${LOGIN_NAME_STREAM_PREFIX}${loginRef}`;

/** The first-run bootstrap: one-time links that create the first administrator. */
export const ACCOUNTS_BOOTSTRAP_STREAM = 'accounts-bootstrap';

export const ACCOUNT_CREATED = 'AccountCreated';
export const ACCOUNT_UPDATED = 'AccountUpdated';
export const ACCOUNT_DISABLED = 'AccountDisabled';
export const ACCOUNT_ENABLED = 'AccountEnabled';
export const ACCOUNT_DELETED = 'AccountDeleted';
export const PASSWORD_SET = 'PasswordSet';
export const PASSWORD_REMOVED = 'PasswordRemoved';
export const TOTP_ENROLLED = 'TotpEnrolled';
export const TOTP_REMOVED = 'TotpRemoved';
export const PASSKEY_ADDED = 'PasskeyAdded';
export const PASSKEY_REMOVED = 'PasskeyRemoved';
export const ACCOUNT_SIGNED_IN = 'AccountSignedIn';
export const SETUP_LINK_ISSUED = 'SetupLinkIssued';
export const SETUP_LINK_USED = 'SetupLinkUsed';
export const LOGIN_NAME_CLAIMED = 'LoginNameClaimed';
export const LOGIN_NAME_RELEASED = 'LoginNameReleased';
export const BOOTSTRAP_LINK_ISSUED = 'BootstrapLinkIssued';
export const BOOTSTRAP_COMPLETED = 'BootstrapCompleted';
export const ACCOUNT_CREATION_VOIDED = 'AccountCreationVoided';

/** Personal data (login, name, email, groups) is sealed per subject: see storage/personal-data. */
export interface AccountCreated extends JsonObject {
  accountId: string;
  /** As typed by whoever created it; compared case-insensitively (NFKC, lower case). */
  login: string;
  name: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  /** An administrator: `allow_admin_ui` and `allow_dcr` (capability rules). */
  admin: boolean;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /**
   * The keyed digest naming the login's `login-name-<ref>` stream. Not personal data on its own;
   * kept outside the sealed fields so that an account whose personal data was erased can still
   * release its name when deleted.
   */
  loginRef: string;
}

/** Only the fields that changed. */
export interface AccountUpdated extends JsonObject {
  accountId: string;
  name?: string;
  email?: string | null;
  emailVerified?: boolean;
  groups?: string[];
  admin?: boolean;
}

export interface AccountDisabled extends JsonObject {
  reason: string | null;
}

/** The scrypt hash of the password, in meshid's encoded form (see credentials/password-hash): never the password. */
export interface PasswordSet extends JsonObject {
  hash: string;
}

/** The TOTP secret, sealed with KeyEncryption under the account's context: never in clear. */
export interface TotpEnrolled extends JsonObject {
  secret: SealedSecret;
  /** The time step of the code that confirmed the enrolment: it cannot sign in afterwards. */
  step: number;
}

/** A WebAuthn credential (base64url fields), as @simplewebauthn/server verified it. */
export interface PasskeyAdded extends JsonObject {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  /** A name the person chose, e.g. "laptop". */
  name: string;
  addedAt: number;
}

export interface PasskeyRemoved extends JsonObject {
  credentialId: string;
}

/**
 * A successful sign-in, appended at the revision the check was made at: the gate that makes a
 * TOTP code usable once (a later sign-in needs a later step) and keeps a passkey's signature
 * counter moving forward, in one process or many.
 */
export interface AccountSignedIn extends JsonObject {
  method: 'password' | 'passkey';
  /** The TOTP time step used, when a code was given. */
  totpStep?: number;
  credentialId?: string;
  counter?: number;
  /** MAC of the WebAuthn challenge answered: an assertion is accepted once, even from an authenticator whose counter stays 0. */
  challenge?: string;
  at: number;
}

/** A one-time link for the person to set their credentials; a newer one replaces it. Only its digest is kept. */
export interface SetupLinkIssued extends JsonObject {
  digest: string;
  expiresAt: number;
}

export interface LoginNameClaimed extends JsonObject {
  accountId: string;
}

/** The account holding the name was deleted: the name is free again. */
export interface LoginNameReleased extends JsonObject {
  accountId: string;
}

/**
 * Written to `account-<id>` (with `no_stream`) by a creation that found a login name claimed for
 * an account that does not exist yet: it either beats that account's AccountCreated (which then
 * fails, and the name is free) or finds the account created (and the name taken). See
 * LoginNameClaims.
 */
export interface AccountCreationVoided extends JsonObject {
  loginRef: string;
}

export interface BootstrapLinkIssued extends JsonObject {
  digest: string;
  expiresAt: number;
}

export interface BootstrapCompleted extends JsonObject {
  accountId: string;
}
