import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import type { SealedSecret } from '../../crypto/key-encryption.js';
import {
  ACCOUNT_CREATED,
  ACCOUNT_CREATION_VOIDED,
  ACCOUNT_DELETED,
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  ACCOUNT_SIGNED_IN,
  ACCOUNT_UPDATED,
  type AccountCreated,
  type AccountDisabled,
  type AccountSignedIn,
  type AccountUpdated,
  PASSKEY_ADDED,
  PASSKEY_REMOVED,
  type PasskeyAdded,
  type PasskeyRemoved,
  PASSWORD_REMOVED,
  PASSWORD_SET,
  type PasswordSet,
  SETUP_LINK_ISSUED,
  SETUP_LINK_USED,
  type SetupLinkIssued,
  TOTP_ENROLLED,
  TOTP_REMOVED,
  type TotpEnrolled,
} from './account.events.js';

/** How many answered WebAuthn challenges an account remembers (each is valid 5 minutes at most). */
const REMEMBERED_CHALLENGES = 32;

export interface StoredPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  addedAt: number;
}

export interface LiveAccount {
  status: 'active';
  accountId: string;
  /** Null once the person's data was erased (its fields read as erased markers). */
  login: string | null;
  loginRef: string;
  name: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  admin: boolean;
  disabled: boolean;
  disabledReason: string | null;
  passwordHash: string | null;
  totpSecret: SealedSecret | null;
  /** The highest TOTP step ever used (enrolment or sign-in): only a later step signs in (single use). */
  lastTotpStep: number;
  passkeys: StoredPasskey[];
  setupLink: { digest: string; expiresAt: number } | null;
  /** MACs of the last WebAuthn challenges answered (replay of an assertion is refused). */
  usedChallenges: string[];
  createdAt: number;
  lastSignInAt: number | null;
}

/**
 * An account as its stream says. `voided`: a creation racing for a login name made sure this
 * account can never be created (AccountCreationVoided). `deleted` keeps the login's ref, so a
 * deletion whose release of the name failed can be recognised.
 */
export type AccountState = { status: 'absent' } | { status: 'voided' } | LiveAccount | { status: 'deleted'; accountId: string; loginRef: string };

const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Left fold of an `account-<id>` stream. Personal fields erased since read as blanks; unknown events change nothing. */
export const accountEvolver: Evolver<AccountState> = {
  initial: { status: 'absent' },
  evolve(state: AccountState, event: RecordedEvent): AccountState {
    if (event.type === ACCOUNT_CREATED) return created(event.data as AccountCreated);
    if (event.type === ACCOUNT_CREATION_VOIDED) return state.status === 'absent' ? { status: 'voided' } : state;
    if (state.status !== 'active') return state;
    switch (event.type) {
      case ACCOUNT_UPDATED:
        return updated(state, event.data as AccountUpdated);
      case ACCOUNT_DISABLED:
        return { ...state, disabled: true, disabledReason: (event.data as AccountDisabled).reason ?? null };
      case ACCOUNT_ENABLED:
        return { ...state, disabled: false, disabledReason: null };
      case ACCOUNT_DELETED:
        return { status: 'deleted', accountId: state.accountId, loginRef: state.loginRef };
      case PASSWORD_SET:
        return { ...state, passwordHash: (event.data as PasswordSet).hash };
      case PASSWORD_REMOVED:
        return { ...state, passwordHash: null };
      case TOTP_ENROLLED: {
        const data = event.data as TotpEnrolled;
        return { ...state, totpSecret: data.secret, lastTotpStep: Math.max(state.lastTotpStep, data.step) };
      }
      case TOTP_REMOVED:
        return { ...state, totpSecret: null };
      case PASSKEY_ADDED:
        return { ...state, passkeys: [...state.passkeys.filter((p) => p.credentialId !== (event.data as PasskeyAdded).credentialId), passkeyOf(event.data as PasskeyAdded)] };
      case PASSKEY_REMOVED:
        return { ...state, passkeys: state.passkeys.filter((p) => p.credentialId !== (event.data as PasskeyRemoved).credentialId) };
      case ACCOUNT_SIGNED_IN:
        return signedIn(state, event.data as AccountSignedIn);
      case SETUP_LINK_ISSUED: {
        const { digest, expiresAt } = event.data as SetupLinkIssued;
        return { ...state, setupLink: { digest, expiresAt } };
      }
      case SETUP_LINK_USED:
        return { ...state, setupLink: null };
      default:
        return state;
    }
  },
};

function created(data: AccountCreated): LiveAccount {
  return {
    status: 'active',
    accountId: data.accountId,
    login: typeof data.login === 'string' ? data.login : null,
    loginRef: data.loginRef,
    name: text(data.name, ''),
    email: typeof data.email === 'string' ? data.email : null,
    emailVerified: data.emailVerified === true,
    groups: strings(data.groups),
    admin: data.admin === true,
    disabled: false,
    disabledReason: null,
    passwordHash: null,
    totpSecret: null,
    lastTotpStep: -1,
    passkeys: [],
    setupLink: null,
    usedChallenges: [],
    createdAt: data.createdAt,
    lastSignInAt: null,
  };
}

function updated(state: LiveAccount, data: AccountUpdated): LiveAccount {
  const next = { ...state };
  if (data.name !== undefined) next.name = text(data.name, '');
  if (data.email !== undefined) next.email = typeof data.email === 'string' ? data.email : null;
  if (data.emailVerified !== undefined) next.emailVerified = data.emailVerified === true;
  if (data.groups !== undefined) next.groups = strings(data.groups);
  if (data.admin !== undefined) next.admin = data.admin === true;
  return next;
}

function passkeyOf(data: PasskeyAdded): StoredPasskey {
  const { credentialId, publicKey, counter, transports, name, addedAt } = data;
  return { credentialId, publicKey, counter, transports: strings(transports), name, addedAt };
}

function signedIn(state: LiveAccount, data: AccountSignedIn): LiveAccount {
  const next: LiveAccount = { ...state, lastSignInAt: data.at };
  if (typeof data.totpStep === 'number') next.lastTotpStep = Math.max(state.lastTotpStep, data.totpStep);
  if (typeof data.credentialId === 'string' && typeof data.counter === 'number') {
    next.passkeys = state.passkeys.map((p) => (p.credentialId === data.credentialId ? { ...p, counter: data.counter! } : p));
  }
  if (typeof data.challenge === 'string') next.usedChallenges = [...state.usedChallenges, data.challenge].slice(-REMEMBERED_CHALLENGES);
  return next;
}
