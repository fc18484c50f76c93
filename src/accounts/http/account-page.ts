import type { FastifyReply } from 'fastify';
import { alert, button, code, field, form, heading, hidden, join, link, notice, paragraph, usernameHint } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';
import type { AccountView } from '../read-model/account-view.js';
import { PASSKEY_SCRIPT, passkeyStatus } from './passkey-script.js';

/** What a redirect back to the account page may say happened: a fixed set, so the query cannot inject text. */
export const ACCOUNT_NOTICES = {
  passkey_added: 'Your passkey was added.',
  passkey_removed: 'The passkey was removed.',
  password_changed: 'Your password was changed.',
  totp_enrolled: 'Your authenticator app is set up: signing in with your password now also asks for its code.',
  totp_removed: 'The authenticator app was removed.',
} as const;
export type AccountNotice = keyof typeof ACCOUNT_NOTICES;

export interface AccountPageModel {
  account: AccountView;
  /** The session-bound CSRF token (BrowserSessions.formToken). */
  csrf: string;
  notice?: string;
  message?: string;
  status?: number;
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The signed-in person's own page: their passkeys (add, remove), their password (change, with
 * the current one), their authenticator app (set up, remove), and signing out. Every form
 * carries the session's form token.
 */
export function sendAccountPage(reply: FastifyReply, model: AccountPageModel): void {
  const { account, csrf } = model;
  const passkeys = account.passkeys.map((passkey) =>
    form(`passkey-${passkey.credentialId.slice(0, 16)}`, '/account/passkeys/remove', [
      paragraph(`${passkey.name}, added ${dateOf(passkey.addedAt)}`),
      hidden('csrf', csrf),
      hidden('credential_id', passkey.credentialId),
      button({ label: `Remove the passkey ${passkey.name}` }),
    ]),
  );
  const body = join([
    paragraph(`Signed in as ${account.name} (${account.login}).`),
    model.notice !== undefined ? notice(model.notice) : null,
    model.message !== undefined ? alert(model.message) : null,

    heading('Passkeys'),
    account.passkeys.length === 0 ? paragraph('You have no passkey yet.') : null,
    ...passkeys,
    form('add-passkey', '/account/passkeys', [
      hidden('csrf', csrf),
      hidden('passkey_response', ''),
      hidden('challenge_token', ''),
      field({ label: 'A name for the new passkey (e.g. laptop)', name: 'passkey_name', autocomplete: 'off', required: true, maxLength: 64, value: 'Passkey' }, 'add-passkey'),
      button({ label: 'Add a passkey', type: 'button', action: 'passkey-register', options: '/account/passkeys/options', scripted: true }),
    ], 'Add a passkey'),
    passkeyStatus(),

    heading('Password'),
    form('password', '/account/password', [
      hidden('csrf', csrf),
      usernameHint(account.login),
      account.hasPassword ? field({ label: 'Current password', name: 'current_password', type: 'password', autocomplete: 'current-password', required: true, maxLength: 1024 }, 'password') : null,
      field({ label: 'New password (at least 10 characters)', name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, maxLength: 1024 }, 'password'),
      button({ label: account.hasPassword ? 'Change the password' : 'Set a password' }),
    ], 'Password'),

    heading('Authenticator app'),
    account.hasTotp
      ? join([
          paragraph('Signing in with your password also asks for a code from your authenticator app.'),
          form('remove-totp', '/account/totp/remove', [hidden('csrf', csrf), button({ label: 'Remove the authenticator app' })]),
        ])
      : join([paragraph('Add a code from an authenticator app to signing in with your password.'), link('/account/totp', 'Set up an authenticator app')]),

    heading('Sign out'),
    form('sign-out', '/account/sign-out', [hidden('csrf', csrf), button({ label: 'Sign out' })]),
  ]);
  sendHtmlPage(reply, 'Your account', body, { scripts: [PASSKEY_SCRIPT], status: model.status ?? 200 });
}

export interface TotpEnrolmentModel {
  csrf: string;
  secret: string;
  uri: string;
  enrolmentToken: string;
  message?: string;
  status?: number;
}

/** Setting up an authenticator app: the otpauth URI and the secret to type, then a code to prove it works. */
export function sendTotpEnrolmentPage(reply: FastifyReply, model: TotpEnrolmentModel): void {
  const body = join([
    model.message !== undefined ? alert(model.message) : null,
    paragraph('Add this account to your authenticator app, by its setup address or by typing the secret, then enter the code it shows.'),
    code('Setup address:', model.uri),
    code('Secret:', model.secret),
    form('totp', '/account/totp', [
      hidden('csrf', model.csrf),
      hidden('enrolment_token', model.enrolmentToken),
      field({ label: 'Code from your authenticator app', name: 'code', autocomplete: 'one-time-code', required: true, numeric: true, maxLength: 8 }, 'totp'),
      button({ label: 'Confirm' }),
    ], 'Confirm the authenticator app'),
    link('/account', 'Back to your account'),
  ]);
  sendHtmlPage(reply, 'Set up an authenticator app', body, { status: model.status ?? 200 });
}
