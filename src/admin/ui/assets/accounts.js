// The local account views: the list, the create form (which shows the setup link once), and one
// account's page (edit, setup link, credentials, disable/enable, delete).

import { ApiError, call, revisionFromEtag } from './api.js';
import { h, replaceChildren, scrollingTable, time, uniqueId } from './dom.js';
import { clearMessages, confirmAction, copyText, markInvalidFields, showSaveFailure, showError, showStatus } from './feedback.js';

const PAGE_SIZE = 25;
const id = (value) => encodeURIComponent(value);
const accountHash = (accountId) => `#/accounts/${id(accountId)}`;
const groupsOf = (text) => [...new Set(text.split(/[\r\n,]+/).map((group) => group.trim()).filter(Boolean))];
const sameList = (a, b) => a.length === b.length && a.every((item, i) => item === b[i]);

/** The accounts part of the admin API (`:account` is the account id). */
const accountsApi = {
  list: (query) => call('GET', '/accounts', { query }).then((r) => r.body),
  create: (input) => call('POST', '/accounts', { body: input }).then((r) => r.body),
  async get(accountId) {
    const r = await call('GET', `/accounts/${id(accountId)}`);
    return { account: r.body, revision: revisionFromEtag(r.headers) ?? r.body.revision };
  },
  update: (accountId, changes, revision) => call('PATCH', `/accounts/${id(accountId)}`, { body: changes, headers: { 'If-Match': `"${revision}"` } }).then((r) => r.body),
  disable: (accountId) => call('POST', `/accounts/${id(accountId)}/disable`).then((r) => r.body),
  enable: (accountId) => call('POST', `/accounts/${id(accountId)}/enable`).then((r) => r.body),
  setupLink: (accountId) => call('POST', `/accounts/${id(accountId)}/setup-link`).then((r) => r.body),
  removePasskey: (accountId, credentialId) => call('DELETE', `/accounts/${id(accountId)}/passkeys/${id(credentialId)}`).then((r) => r.body),
  removePassword: (accountId) => call('DELETE', `/accounts/${id(accountId)}/password`).then((r) => r.body),
  removeTotp: (accountId) => call('DELETE', `/accounts/${id(accountId)}/totp`).then((r) => r.body),
  remove: (accountId) => call('DELETE', `/accounts/${id(accountId)}`).then((r) => r.body),
};

/** What the account can sign in with, in words. */
function credentialsText(account) {
  const passkeys = account.passkeys?.length ?? 0;
  const parts = [account.has_password ? 'password' : null, account.has_totp ? 'TOTP' : null, passkeys > 0 ? `${passkeys} passkey${passkeys === 1 ? '' : 's'}` : null];
  return parts.filter(Boolean).join(', ') || 'none yet';
}

const statusBadge = (account) =>
  account.disabled ? h('span', { class: 'badge badge-retired' }, 'Disabled') : h('span', { class: 'badge badge-active' }, 'Active');

/** `#/accounts?cursor=` */
export async function renderAccountList(main, params, view) {
  const cursor = params.get('cursor') ?? '';
  const results = h('div', { id: 'account-results', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading accounts…'));
  replaceChildren(
    main,
    h('div', { class: 'page-heading' }, h('h1', { tabindex: '-1' }, 'Accounts'), h('a', { class: 'button', href: '#/accounts/new', id: 'new-account-link' }, 'New account')),
    h('p', { class: 'hint' }, 'Local accounts sign in with a passkey or a password from outside the tailnet.'),
    results,
  );
  let page;
  try {
    page = await accountsApi.list({ limit: PAGE_SIZE, cursor });
  } catch (error) {
    if (!view.isCurrent()) return;
    replaceChildren(results, h('p', {}, 'The accounts could not be loaded.'));
    results.setAttribute('aria-busy', 'false');
    showError(error);
    return;
  }
  if (!view.isCurrent()) return;
  const rows = page.items.map((account) =>
    h(
      'tr',
      { 'data-account-id': account.account_id, 'data-login': account.login },
      h('th', { scope: 'row' }, h('a', { href: accountHash(account.account_id), class: 'account-link' }, account.login)),
      h('td', {}, account.name),
      h('td', {}, account.email ?? h('span', { class: 'muted' }, '—')),
      h('td', {}, (account.groups ?? []).join(', ') || h('span', { class: 'muted' }, 'none')),
      h('td', {}, account.admin ? 'Administrator' : 'Member'),
      h('td', {}, statusBadge(account)),
      h('td', {}, time(account.last_sign_in_at)),
    ),
  );
  const paging = [];
  if (cursor) paging.push(h('a', { href: '#/accounts', id: 'first-page', class: 'button button-secondary' }, 'First page'));
  if (page.next_cursor) paging.push(h('a', { href: `#/accounts?cursor=${id(page.next_cursor)}`, id: 'next-page', class: 'button button-secondary', rel: 'next' }, 'Next page'));
  replaceChildren(
    results,
    page.items.length === 0
      ? h('p', { id: 'no-accounts' }, cursor ? 'No more accounts.' : 'No accounts yet. Create the first one.')
      : scrollingTable('Accounts', 'accounts-table', ['Login', 'Name', 'Email', 'Groups', 'Role', 'Status', 'Last sign-in'], rows),
    paging.length > 0 ? h('nav', { class: 'paging button-row', 'aria-label': 'Pages of accounts' }, paging) : null,
  );
  results.setAttribute('aria-busy', 'false');
}

/** A labelled control with an optional hint, tied together for assistive technology. */
function field({ id: controlId, label, control, hint }) {
  const hintId = hint ? `${controlId}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: controlId }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, control);
}

function checkbox({ id: controlId, label, hint, checked, dataField }) {
  const hintId = hint ? `${controlId}-hint` : null;
  const input = h('input', { type: 'checkbox', id: controlId, checked, 'data-field': dataField, 'aria-describedby': hintId });
  return { input, row: h('div', { class: 'check-row' }, input, h('label', { for: controlId }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null) };
}

/** The profile controls, shared by the create and edit forms; `prefix` keeps their ids apart. */
function profileControls(prefix) {
  return {
    name: h('input', { type: 'text', id: `${prefix}account-name`, required: true, maxlength: '200', autocomplete: 'off', 'data-field': 'name' }),
    email: h('input', { type: 'text', inputmode: 'email', id: `${prefix}account-email`, maxlength: '320', autocomplete: 'off', spellcheck: 'false', 'data-field': 'email' }),
    verified: checkbox({ id: `${prefix}account-email-verified`, label: 'Email verified', hint: 'The address is known to belong to the person (the email_verified claim).', dataField: 'email_verified' }),
    groups: h('textarea', { id: `${prefix}account-groups`, rows: '3', spellcheck: 'false', 'data-field': 'groups' }),
    admin: checkbox({ id: `${prefix}account-admin`, label: 'Administrator', hint: 'May use this admin UI and API, and register clients.', dataField: 'admin' }),
  };
}

function profileFields(prefix, controls) {
  return [
    field({ id: `${prefix}account-name`, label: 'Name', control: controls.name, hint: 'The display name (the name claim).' }),
    field({ id: `${prefix}account-email`, label: 'Email', control: controls.email }),
    controls.verified.row,
    field({ id: `${prefix}account-groups`, label: 'Groups', control: controls.groups, hint: 'One per line (the groups claim).' }),
    controls.admin.row,
  ];
}

/** `#/accounts/new` */
export function renderCreateAccount(main, _params, view) {
  const login = h('input', { type: 'text', id: 'account-login', required: true, maxlength: '64', autocomplete: 'off', spellcheck: 'false', 'data-field': 'login' });
  const controls = profileControls('');
  const submit = h('button', { type: 'submit', id: 'create-account-submit' }, 'Create account');
  const form = h(
    'form',
    { id: 'create-account-form', class: 'stacked-form', novalidate: true },
    field({ id: 'account-login', label: 'Login', control: login, hint: '2 to 64 characters: a letter first, then letters, digits, - . _ and at most one @.' }),
    profileFields('', controls),
    h('div', { class: 'button-row' }, submit, h('a', { href: '#/accounts', class: 'button button-secondary' }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages();
    const input = { login: login.value.trim(), name: controls.name.value.trim(), groups: groupsOf(controls.groups.value) };
    if (controls.email.value.trim() !== '') input.email = controls.email.value.trim();
    if (controls.verified.input.checked) input.email_verified = true;
    if (controls.admin.input.checked) input.admin = true;
    submit.disabled = true;
    showStatus('Creating the account…');
    let created;
    try {
      created = await accountsApi.create(input);
    } catch (error) {
      submit.disabled = false;
      if (view.isCurrent()) showError(error, { form, prefix: 'The account was not created' });
      return;
    }
    if (!view.isCurrent()) return;
    markInvalidFields(form, []);
    replaceChildren(
      main,
      h('h1', { tabindex: '-1' }, 'Account created'),
      h('p', {}, 'Created ', h('strong', { id: 'created-account-login' }, created.login), ` (${created.name}).`),
      setupLinkPanel(created.setup_link, created.login),
      h(
        'div',
        { class: 'button-row' },
        h('a', { href: accountHash(created.account_id), id: 'open-created-account', class: 'button' }, 'Open the account page'),
        h('a', { href: '#/accounts/new', class: 'button button-secondary', id: 'create-another-account' }, 'Create another'),
      ),
    );
    showStatus(`Account ${created.login} created.`);
    main.querySelector('h1').focus();
  });
  replaceChildren(main, h('h1', { tabindex: '-1' }, 'New account'), form);
}

/**
 * The one time a setup link is shown: it lives in the view's DOM only, so navigating away
 * forgets it. Whoever opens it sets the account's credentials, so it is handled like a secret.
 */
function setupLinkPanel(link, login) {
  const titleId = uniqueId('setup-link');
  const value = h('input', { id: 'setup-link-value', class: 'secret-value', type: 'text', readonly: true, value: link.url, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${titleId}-note` });
  const copyStatus = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', id: 'copy-setup-link', onclick: async () => {
    if (await copyText(link.url)) {
      copyStatus.textContent = 'Copied.';
    } else {
      value.focus();
      value.select();
      copyStatus.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  } }, 'Copy link');
  return h(
    'section',
    { class: 'secret-panel', id: 'setup-link-panel', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Setup link'),
    h('label', { for: 'setup-link-value' }, `The link for ${login} to set a password or passkey`),
    h('div', { class: 'secret-row' }, value, copy, copyStatus),
    h(
      'p',
      { class: 'secret-note', id: `${titleId}-note` },
      h('strong', {}, 'Copy it now: it will not be shown again.'),
      ' It works once, until ',
      time(link.expires_at),
      '. Give it to the person over a channel you trust: whoever opens it sets the account’s credentials.',
    ),
  );
}

/** `#/accounts/<id>` */
export async function renderAccount(main, _params, view, accountId) {
  replaceChildren(main, h('h1', { tabindex: '-1' }, 'Account'), h('p', { class: 'muted' }, 'Loading…'));
  let state;
  try {
    state = await accountsApi.get(accountId);
  } catch (error) {
    if (!view.isCurrent()) return;
    replaceChildren(main, h('h1', { tabindex: '-1' }, error instanceof ApiError && error.status === 404 ? 'Account not found' : 'Account'), h('p', {}, h('a', { href: '#/accounts' }, 'Back to the accounts')));
    showError(error);
    return;
  }
  if (!view.isCurrent()) return;
  new AccountPage(main, view, accountId, state).render();
}

class AccountPage {
  constructor(main, view, accountId, { account, revision }) {
    Object.assign(this, { main, view, accountId, account, revision });
  }

  render() {
    this.heading = h('h1', { tabindex: '-1', id: 'account-heading' });
    this.linkSlot = h('div', { id: 'setup-link-slot' });
    this.details = h('dl', { id: 'account-details', class: 'meta-list' });
    this.credentials = h('div', { id: 'account-credentials' });
    this.stateSection = h('section', { 'aria-labelledby': 'account-state-title', class: 'card' });
    this.controls = profileControls('edit-');
    this.saveButton = h('button', { type: 'submit', id: 'save-account' }, 'Save changes');
    this.form = h(
      'form',
      { id: 'edit-account-form', class: 'stacked-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); this.save(); } },
      profileFields('edit-', this.controls),
      h('div', { class: 'button-row' }, this.saveButton),
    );
    replaceChildren(
      this.main,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/accounts' }, 'Accounts')),
      this.heading,
      this.linkSlot,
      h('section', { 'aria-labelledby': 'account-details-title', class: 'card' }, h('h2', { id: 'account-details-title' }, 'Details'), this.details),
      h('section', { 'aria-labelledby': 'account-edit-title', class: 'card' }, h('h2', { id: 'account-edit-title' }, 'Edit'), this.form),
      h(
        'section',
        { 'aria-labelledby': 'account-sign-in-title', class: 'card' },
        h('h2', { id: 'account-sign-in-title' }, 'Sign-in'),
        this.credentials,
        h('p', {}, 'A new setup link lets the person set a new password or passkey, for a first sign-in or after losing theirs. The previous link stops working.'),
        h('button', { type: 'button', id: 'new-setup-link', onclick: () => this.newSetupLink() }, 'New setup link'),
      ),
      this.stateSection,
      h(
        'section',
        { 'aria-labelledby': 'account-delete-title', class: 'card card-danger' },
        h('h2', { id: 'account-delete-title' }, 'Delete'),
        h('p', {}, 'Deleting the account signs the person out everywhere: their tokens stop working. The login can then be given to someone else.'),
        h('button', { type: 'button', id: 'delete-account', class: 'button-danger', onclick: () => this.deleteAccount() }, 'Delete account'),
      ),
    );
    this.show();
  }

  show() {
    const a = this.account;
    replaceChildren(this.heading, a.name, ' ', h('span', { class: 'muted' }, `(${a.login})`));
    document.title = `${a.login} · meshid admin`;
    const rows = [
      ['Login', h('code', { id: 'account-login-value' }, a.login)],
      ['Account ID', h('code', { id: 'account-id' }, a.account_id)],
      ['Subject (sub)', h('code', {}, a.subject)],
      ['Email', a.email ? `${a.email}${a.email_verified ? ' (verified)' : ' (not verified)'}` : '—'],
      ['Groups', (a.groups ?? []).join(', ') || '—'],
      ['Role', a.admin ? 'Administrator' : 'Member'],
      ['Status', h('span', { id: 'account-status' }, statusBadge(a))],
      ['Credentials', h('span', { id: 'account-credential-summary' }, credentialsText(a))],
      ['Created', time(a.created_at)],
      ['Last sign-in', time(a.last_sign_in_at)],
      ['Revision', String(this.revision)],
    ];
    replaceChildren(this.details, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
    this.showCredentials();
    this.showState();
    this.fillForm();
  }

  showCredentials() {
    const a = this.account;
    const remove = (label, ariaLabel, onclick) => h('button', { type: 'button', class: 'button-secondary', 'aria-label': ariaLabel, onclick }, label);
    const items = [
      a.has_password ? h('li', { id: 'credential-password' }, 'Password ', remove('Remove', 'Remove the password', () => this.removeCredential('password'))) : null,
      a.has_totp ? h('li', { id: 'credential-totp' }, 'TOTP authenticator ', remove('Remove', 'Remove the TOTP authenticator', () => this.removeCredential('totp'))) : null,
      (a.passkeys ?? []).map((passkey) =>
        h('li', { 'data-passkey-id': passkey.id }, `Passkey “${passkey.name}”, added `, time(passkey.added_at), ' ', remove('Remove', `Remove passkey ${passkey.name}`, () => this.removeCredential('passkey', passkey))),
      ),
    ];
    const any = items.flat().some(Boolean);
    replaceChildren(this.credentials, any ? h('ul', { class: 'plain-list', id: 'credential-list' }, items) : h('p', { id: 'no-credentials' }, 'No password or passkey yet: the person needs a setup link.'));
  }

  showState() {
    const a = this.account;
    replaceChildren(
      this.stateSection,
      h('h2', { id: 'account-state-title' }, a.disabled ? 'Disabled' : 'Disable'),
      a.disabled
        ? [h('p', {}, 'The account cannot sign in.'), h('button', { type: 'button', id: 'enable-account', onclick: () => this.setDisabled(false) }, 'Enable account')]
        : [h('p', {}, 'A disabled account cannot sign in, and its tokens stop working at once.'), h('button', { type: 'button', id: 'disable-account', class: 'button-danger', onclick: () => this.setDisabled(true) }, 'Disable account')],
    );
  }

  fillForm() {
    const a = this.account;
    this.controls.name.value = a.name;
    this.controls.email.value = a.email ?? '';
    this.controls.verified.input.checked = a.email_verified;
    this.controls.groups.value = (a.groups ?? []).join('\n');
    this.controls.admin.input.checked = a.admin;
  }

  /** Only what was changed is sent: a field left alone keeps whatever someone else may have set. */
  changes() {
    const a = this.account;
    const changes = {};
    const name = this.controls.name.value.trim();
    if (name !== a.name) changes.name = name;
    const email = this.controls.email.value.trim() || null;
    if (email !== a.email) changes.email = email;
    if (this.controls.verified.input.checked !== a.email_verified) changes.email_verified = this.controls.verified.input.checked;
    const groups = groupsOf(this.controls.groups.value);
    if (!sameList(groups, a.groups ?? [])) changes.groups = groups;
    if (this.controls.admin.input.checked !== a.admin) changes.admin = this.controls.admin.input.checked;
    return changes;
  }

  /** After a change: the account as the server answered it. */
  replace(account) {
    this.account = account;
    this.revision = account.revision;
    this.show();
  }

  async save() {
    clearMessages();
    const changes = this.changes();
    if (Object.keys(changes).length === 0) {
      markInvalidFields(this.form, []);
      showStatus('Nothing changed.');
      return;
    }
    this.saveButton.disabled = true;
    showStatus('Saving…');
    try {
      const updated = await accountsApi.update(this.accountId, changes, this.revision);
      if (!this.view.isCurrent()) return;
      markInvalidFields(this.form, []);
      this.replace(updated);
      showStatus(`Saved changes to ${updated.login}.`);
    } catch (error) {
      if (!this.view.isCurrent()) return;
      showSaveFailure(error, { thing: 'account', form: this.form, reload: () => this.reload(), reloadId: 'reload-account' });
    } finally {
      this.saveButton.disabled = false;
    }
  }

  async reload() {
    clearMessages();
    try {
      const state = await accountsApi.get(this.accountId);
      if (!this.view.isCurrent()) return;
      this.account = state.account;
      this.revision = state.revision;
      markInvalidFields(this.form, []);
      this.show();
      showStatus('Reloaded: this is the current version.');
      this.controls.name.focus();
    } catch (error) {
      if (this.view.isCurrent()) showError(error);
    }
  }

  /** Runs `action` after a confirmation; `done(result)` shows what it did. */
  async confirmed(dialog, action, done, failure) {
    clearMessages();
    const answer = await confirmAction(dialog);
    if (answer === null || !this.view.isCurrent()) return;
    try {
      const result = await action();
      if (this.view.isCurrent()) done(result);
    } catch (error) {
      if (this.view.isCurrent()) showError(error, { prefix: failure });
    }
  }

  newSetupLink() {
    const a = this.account;
    return this.confirmed(
      { title: 'Issue a new setup link?', message: `Anyone who opens the new link can set a password or passkey for ${a.login}. Any earlier link stops working.`, confirmLabel: 'Issue link' },
      () => accountsApi.setupLink(this.accountId),
      (link) => {
        replaceChildren(this.linkSlot, setupLinkPanel(link, a.login));
        this.linkSlot.querySelector('#copy-setup-link').focus();
        showStatus(`New setup link for ${a.login}.`);
      },
      'No link was issued',
    );
  }

  removeCredential(kind, passkey) {
    const a = this.account;
    const what = kind === 'passkey' ? `the passkey “${passkey.name}”` : kind === 'password' ? 'the password' : 'the TOTP authenticator';
    const action = kind === 'passkey' ? () => accountsApi.removePasskey(this.accountId, passkey.id) : kind === 'password' ? () => accountsApi.removePassword(this.accountId) : () => accountsApi.removeTotp(this.accountId);
    return this.confirmed(
      { title: `Remove ${what}?`, message: `${a.login} can no longer sign in with ${what}.`, confirmLabel: 'Remove', danger: true },
      action,
      (account) => {
        this.replace(account);
        showStatus(`Removed ${what} of ${account.login}.`);
      },
      'Not removed',
    );
  }

  setDisabled(disable) {
    const a = this.account;
    return this.confirmed(
      disable
        ? { title: `Disable ${a.login}?`, message: `${a.name} can no longer sign in, and every app they are signed in to loses access.`, confirmLabel: 'Disable account', danger: true }
        : { title: `Enable ${a.login}?`, message: `${a.name} can sign in again.`, confirmLabel: 'Enable account' },
      () => (disable ? accountsApi.disable(this.accountId) : accountsApi.enable(this.accountId)),
      (account) => {
        this.replace(account);
        showStatus(`${disable ? 'Disabled' : 'Enabled'} ${account.login}.`);
      },
      disable ? 'Not disabled' : 'Not enabled',
    );
  }

  deleteAccount() {
    const a = this.account;
    return this.confirmed(
      { title: 'Delete this account?', message: `${a.name} (${a.login}) is deleted and signed out of every app. This cannot be undone.`, confirmLabel: 'Delete account', danger: true },
      () => accountsApi.remove(this.accountId),
      () => this.view.navigate('#/accounts', `Deleted ${a.login}.`),
      'The account was not deleted',
    );
  }
}
