import type { FastifyReply } from 'fastify';
import { alert, button, field, form, hidden, join, link, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';
import { PASSKEY_SCRIPT, passkeyStatus } from './passkey-script.js';

/** The application a sign-in is for, as the login page names it. */
export interface AskingClient {
  name: string;
  /** Set for a client described by its own metadata document: its name is only its say-so. */
  describedAt?: string;
}

export interface LoginPageModel {
  csrf: string;
  /** The validated authorization request to go back to, or null (sign-in to the account page). */
  returnTo: string | null;
  client: AskingClient | null;
  /** The login typed before, shown again (never the password). */
  login?: string;
  /** A correct password answered `second_factor_required`: ask for the authenticator code too. */
  secondFactor: boolean;
  message?: string;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * The sign-in page: a password form (with the TOTP field once it is known to be needed), a
 * passkey button (discoverable credentials: no login to type first; `webauthn` in the username
 * field's autocomplete lets the browser offer passkeys there too), and, for an authorization
 * request, the way to approve from a tailnet device. The password is never put back in the
 * page: on a second-factor step the person types it again with the code.
 */
export function sendLoginPage(reply: FastifyReply, model: LoginPageModel): void {
  const returnTo = model.returnTo !== null ? hidden('return_to', model.returnTo) : null;
  const title = model.client !== null ? `Sign in to ${model.client.name}` : 'Sign in to meshid';
  const body = join([
    model.client?.describedAt !== undefined ? paragraph(`${model.client.name} describes itself at ${model.client.describedAt}; meshid does not vouch for it.`) : null,
    model.message !== undefined ? alert(model.message) : null,
    form('password-login', '/login', [
      hidden('csrf', model.csrf),
      returnTo,
      model.secondFactor ? hidden('second_factor', '1') : null,
      field({ label: 'Login', name: 'login', autocomplete: 'username webauthn', required: true, maxLength: 64, ...(model.login !== undefined ? { value: model.login } : {}) }, 'password-login'),
      field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxLength: 1024 }, 'password-login'),
      model.secondFactor
        ? field({ label: 'Code from your authenticator app', name: 'totp', autocomplete: 'one-time-code', required: true, numeric: true, maxLength: 8 }, 'password-login')
        : null,
      button({ label: 'Sign in' }),
    ], 'Sign in with a password'),
    form('passkey-login', '/login/passkey', [
      hidden('csrf', model.csrf),
      returnTo,
      button({ label: 'Sign in with a passkey', type: 'button', action: 'passkey-login', scripted: true }),
    ], 'Sign in with a passkey'),
    passkeyStatus(),
    model.returnTo !== null ? link(`/login/approve?${new URLSearchParams({ return_to: model.returnTo })}`, 'Approve this sign-in from one of your tailnet devices') : null,
  ]);
  sendHtmlPage(reply, title, body, { scripts: [PASSKEY_SCRIPT], status: model.status ?? 200, ...(model.headers !== undefined ? { headers: model.headers } : {}) });
}
