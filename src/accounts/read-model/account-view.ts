/** A local account as the read side shows it: never a credential, only what exists. */
export interface AccountView {
  accountId: string;
  /** `account:<accountId>`, the OIDC `sub`. */
  subject: string;
  login: string;
  name: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  admin: boolean;
  disabled: boolean;
  hasPassword: boolean;
  hasTotp: boolean;
  passkeys: Array<{ credentialId: string; name: string; addedAt: number }>;
  createdAt: number;
  /** Milliseconds since the epoch of the last sign-in, or null. */
  lastSignInAt: number | null;
  /** The revision of the account's stream this view is at (the admin API's ETag). */
  revision: string;
}
