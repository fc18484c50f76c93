import type { FastifyReply } from 'fastify';
import { alert, button, field, form, heading, hidden, join, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';
import type { AccountView } from '../read-model/account-view.js';
import { PASSKEY_SCRIPT, passkeyStatus } from './passkey-script.js';

export interface SetupPageModel {
  csrf: string;
  token: string;
  /** null: the bootstrap link (the first administrator chooses a login, name and email). */
  account: AccountView | null;
  /** What was typed before, shown again (never a password). */
  values?: { login?: string; name?: string; email?: string; passkeyName?: string };
  message?: string;
  status?: number;
}

/**
 * A setup link's page: the bootstrap link creates the first administrator (login, name, email),
 * an account's link sets its first credential. Either way the person picks a password or a
 * passkey; the passkey button runs the ceremony (assets/passkey.js) and submits the same form
 * with the new credential in its hidden fields, so both ways end in one POST /setup.
 */
export function sendSetupPage(reply: FastifyReply, model: SetupPageModel): void {
  const values = model.values ?? {};
  const bootstrap = model.account === null;
  const title = bootstrap ? 'Create the first administrator' : 'Set up your account';
  const body = join([
    paragraph(
      bootstrap
        ? 'This one-time link creates the first meshid administrator. Choose your login, then a password or a passkey to sign in with.'
        : `This one-time link sets how ${model.account!.login} signs in to meshid: a password or a passkey.`,
    ),
    model.message !== undefined ? alert(model.message) : null,
    form('setup', '/setup', [
      hidden('csrf', model.csrf),
      hidden('token', model.token),
      hidden('passkey_response', ''),
      hidden('challenge_token', ''),
      bootstrap ? heading('Your account') : null,
      bootstrap ? field({ label: 'Login (letters, digits, - . _ and one @)', name: 'login', autocomplete: 'username', required: true, maxLength: 64, ...(values.login !== undefined ? { value: values.login } : {}) }, 'setup') : null,
      bootstrap ? field({ label: 'Name', name: 'name', autocomplete: 'name', required: true, maxLength: 200, ...(values.name !== undefined ? { value: values.name } : {}) }, 'setup') : null,
      bootstrap ? field({ label: 'Email (optional)', name: 'email', type: 'email', autocomplete: 'email', maxLength: 320, ...(values.email !== undefined ? { value: values.email } : {}) }, 'setup') : null,
      heading('Sign in with a passkey'),
      field({ label: 'A name for this passkey (e.g. laptop)', name: 'passkey_name', autocomplete: 'off', maxLength: 64, value: values.passkeyName ?? 'Passkey' }, 'setup'),
      button({ label: bootstrap ? 'Create the account with a passkey' : 'Create a passkey', type: 'button', action: 'passkey-register', options: '/setup/passkey/options', scripted: true }),
      heading('Or with a password'),
      // Not `required`: the passkey way submits this form without one.
      field({ label: 'New password (at least 10 characters)', name: 'password', type: 'password', autocomplete: 'new-password', maxLength: 1024 }, 'setup'),
      button({ label: bootstrap ? 'Create the account with this password' : 'Set this password' }),
    ], title),
    passkeyStatus(),
  ]);
  sendHtmlPage(reply, title, body, { scripts: [PASSKEY_SCRIPT], status: model.status ?? 200 });
}
