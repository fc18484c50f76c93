// The client views: the list (search, paging), the create form, and one client's page.

import { api, ApiError } from './api.js';
import { h, replaceChildren, scrollingTable, time } from './dom.js';
import { clearMessages, confirmAction, markInvalidFields, showSaveFailure, secretPanel, showError, showStatus } from './feedback.js';

/** The grant types the forms offer; token exchange stays a CLI/API matter. */
const GRANT_CHOICES = [
  { value: 'authorization_code', label: 'Authorization code (people sign in)' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
];
const PAGE_SIZE = 25;

const clientHash = (clientId) => `#/clients/${encodeURIComponent(clientId)}`;
const lines = (text) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
const sameList = (a, b) => a.length === b.length && a.every((item, i) => item === b[i]);

/** `#/clients?q=&cursor=` */
export async function renderClientList(main, params, view) {
  const q = params.get('q') ?? '';
  const cursor = params.get('cursor') ?? '';
  const searchInput = h('input', { type: 'search', id: 'client-search-q', name: 'q', value: q, autocomplete: 'off', 'aria-describedby': 'client-search-hint' });
  const results = h('div', { id: 'client-results', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading clients…'));
  replaceChildren(
    main,
    h('div', { class: 'page-heading' }, h('h1', { tabindex: '-1' }, 'Clients'), h('a', { class: 'button', href: '#/clients/new', id: 'new-client-link' }, 'New client')),
    h(
      'form',
      {
        id: 'client-search',
        role: 'search',
        class: 'search-form',
        onsubmit: (event) => {
          event.preventDefault();
          const query = searchInput.value.trim();
          view.navigate(query ? `#/clients?q=${encodeURIComponent(query)}` : '#/clients');
        },
      },
      h('label', { for: 'client-search-q' }, 'Search clients'),
      h('div', { class: 'search-row' }, searchInput, h('button', { type: 'submit' }, 'Search')),
      h('p', { class: 'hint', id: 'client-search-hint' }, 'Matches part of a client’s name, ID or redirect URI.'),
    ),
    results,
  );

  let page;
  try {
    page = await api.listClients({ q, limit: PAGE_SIZE, cursor });
  } catch (error) {
    if (!view.isCurrent()) return;
    replaceChildren(results, h('p', {}, 'The clients could not be loaded.'));
    results.setAttribute('aria-busy', 'false');
    showError(error);
    return;
  }
  if (!view.isCurrent()) return;

  const rows = page.items.map((client) =>
    h(
      'tr',
      { 'data-client-id': client.client_id },
      h('th', { scope: 'row' }, h('a', { href: clientHash(client.client_id), class: 'client-link' }, client.client_name || client.client_id)),
      h('td', {}, h('code', { class: 'client-id' }, client.client_id)),
      h('td', {}, client.confidential ? 'Confidential' : 'Public'),
      h('td', {}, uriList(client.redirect_uris)),
      h('td', {}, time(client.updated_at)),
    ),
  );
  const pagingLinks = [];
  if (cursor) pagingLinks.push(h('a', { href: q ? `#/clients?q=${encodeURIComponent(q)}` : '#/clients', id: 'first-page', class: 'button button-secondary' }, 'First page'));
  if (page.next_cursor) {
    const next = new URLSearchParams();
    if (q) next.set('q', q);
    next.set('cursor', page.next_cursor);
    pagingLinks.push(h('a', { href: `#/clients?${next}`, id: 'next-page', class: 'button button-secondary', rel: 'next' }, 'Next page'));
  }
  replaceChildren(
    results,
    page.items.length === 0
      ? h('p', { id: 'no-clients' }, q ? `No clients match “${q}”.` : cursor ? 'No more clients.' : 'No clients yet. Create the first one.')
      : scrollingTable(q ? `Clients matching “${q}”` : 'Clients', 'clients-table', ['Name', 'Client ID', 'Type', 'Redirect URIs', 'Updated'], rows),
    pagingLinks.length > 0 ? h('nav', { class: 'paging button-row', 'aria-label': 'Pages of clients' }, pagingLinks) : null,
  );
  results.setAttribute('aria-busy', 'false');
}

function uriList(uris) {
  if (!uris || uris.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('ul', { class: 'plain-list' }, uris.map((uri) => h('li', {}, h('code', {}, uri))));
}

/** Grant-type checkboxes in a fieldset; `prefix` keeps the ids of two forms apart. */
function grantFieldset(prefix, selected) {
  return h(
    'fieldset',
    { class: 'choices' },
    h('legend', { 'data-field-legend': 'grant_types' }, 'Grant types'),
    GRANT_CHOICES.map((choice, i) => {
      const inputId = `${prefix}grant-${choice.value}`;
      return h(
        'div',
        { class: 'check-row' },
        h('input', {
          type: 'checkbox',
          id: inputId,
          name: 'grant_types',
          value: choice.value,
          checked: selected.includes(choice.value),
          'data-field': i === 0 ? 'grant_types' : undefined,
        }),
        h('label', { for: inputId }, choice.label),
      );
    }),
  );
}

const checkedGrants = (form) => [...form.querySelectorAll('input[name="grant_types"]:checked')].map((input) => input.value);

/** A labelled control with an optional hint, all tied together for assistive technology. */
function field({ id, label, control, hint }) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, control);
}

/** `#/clients/new` */
export function renderCreateClient(main, _params, view) {
  const name = h('input', { type: 'text', id: 'client-name', name: 'client_name', required: true, maxlength: '200', autocomplete: 'off', 'data-field': 'client_name' });
  const redirects = h('textarea', { id: 'redirect-uris', name: 'redirect_uris', rows: '3', spellcheck: 'false', 'data-field': 'redirect_uris' });
  const scope = h('input', { type: 'text', id: 'scope', name: 'scope', autocomplete: 'off', spellcheck: 'false', 'data-field': 'scope' });
  const confidential = h('input', { type: 'radio', id: 'type-confidential', name: 'client_type', value: 'confidential', checked: true, 'data-field': 'token_endpoint_auth_method', 'aria-describedby': 'type-confidential-hint' });
  const isPublic = h('input', { type: 'radio', id: 'type-public', name: 'client_type', value: 'public', 'aria-describedby': 'type-public-hint' });
  const grants = grantFieldset('', ['authorization_code', 'refresh_token']);
  const submit = h('button', { type: 'submit', id: 'create-client-submit' }, 'Create client');

  // A public client has no secret, so it cannot use the client credentials grant.
  const syncGrantChoices = () => {
    const credentials = grants.querySelector('input[value="client_credentials"]');
    credentials.disabled = isPublic.checked;
    if (isPublic.checked) credentials.checked = false;
  };
  confidential.addEventListener('change', syncGrantChoices);
  isPublic.addEventListener('change', syncGrantChoices);

  const form = h(
    'form',
    { id: 'create-client-form', class: 'stacked-form', novalidate: true },
    field({ id: 'client-name', label: 'Name', control: name, hint: 'Shown to people when they sign in.' }),
    field({ id: 'redirect-uris', label: 'Redirect URIs', control: redirects, hint: 'One per line. HTTPS, or http on loopback (127.0.0.1, [::1], localhost).' }),
    h(
      'fieldset',
      { class: 'choices' },
      h('legend', { 'data-field-legend': 'token_endpoint_auth_method' }, 'Client type'),
      h('div', { class: 'check-row' }, confidential, h('label', { for: 'type-confidential' }, 'Confidential'), h('p', { class: 'hint', id: 'type-confidential-hint' }, 'A server-side app that can keep a secret (client_secret_basic).')),
      h('div', { class: 'check-row' }, isPublic, h('label', { for: 'type-public' }, 'Public'), h('p', { class: 'hint', id: 'type-public-hint' }, 'A browser or native app without a secret; PKCE is required.')),
    ),
    grants,
    field({ id: 'scope', label: 'Scope', control: scope, hint: 'Space-separated scopes the client may ask for. Leave blank for the server default.' }),
    h('div', { class: 'button-row' }, submit, h('a', { href: '#/clients', class: 'button button-secondary' }, 'Cancel')),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages();
    if (name.value.trim() === '') {
      const error = new ApiError(400, { error: 'invalid_request', error_description: 'The client needs a name.', fields: [{ field: 'client_name', message: 'is required' }] });
      showError(error, { form });
      return;
    }
    const input = {
      client_name: name.value.trim(),
      redirect_uris: lines(redirects.value),
      token_endpoint_auth_method: isPublic.checked ? 'none' : 'client_secret_basic',
      grant_types: checkedGrants(form),
    };
    if (scope.value.trim() !== '') input.scope = scope.value.trim().split(/\s+/).join(' ');
    submit.disabled = true;
    showStatus('Creating the client…');
    let created;
    try {
      created = await api.createClient(input);
    } catch (error) {
      submit.disabled = false;
      if (view.isCurrent()) showError(error, { form, prefix: 'The client was not created' });
      return;
    }
    if (!view.isCurrent()) return;
    markInvalidFields(form, []);
    showCreated(main, created);
  });

  replaceChildren(main, h('h1', { tabindex: '-1' }, 'New client'), form);
}

function showCreated(main, created) {
  const openLink = h('a', { href: clientHash(created.client_id), id: 'open-created-client', class: 'button' }, 'Open the client page');
  replaceChildren(
    main,
    h('h1', { tabindex: '-1' }, 'Client created'),
    h('p', {}, 'Registered ', h('strong', { id: 'created-client-name' }, created.client_name), '.'),
    created.client_secret
      ? secretPanel({ title: 'Its secret', clientId: created.client_id, secret: created.client_secret })
      : h(
          'section',
          { 'aria-labelledby': 'public-client-title' },
          h('h2', { id: 'public-client-title' }, 'A public client'),
          h('dl', { class: 'meta-list' }, h('dt', {}, 'Client ID'), h('dd', {}, h('code', { id: 'secret-client-id' }, created.client_id))),
          h('p', {}, 'It has no secret: it proves itself with PKCE.'),
        ),
    h('div', { class: 'button-row' }, openLink, h('a', { href: '#/clients/new', class: 'button button-secondary', id: 'create-another' }, 'Create another')),
  );
  showStatus(`Client ${created.client_name} created.`);
  main.querySelector('h1').focus();
}

/** `#/clients/<id>` */
export async function renderClient(main, _params, view, clientId) {
  replaceChildren(main, h('h1', { tabindex: '-1' }, 'Client'), h('p', { class: 'muted' }, 'Loading…'));
  let state;
  try {
    state = await api.getClient(clientId);
  } catch (error) {
    if (!view.isCurrent()) return;
    replaceChildren(main, h('h1', { tabindex: '-1' }, error instanceof ApiError && error.status === 404 ? 'Client not found' : 'Client'), h('p', {}, h('a', { href: '#/clients' }, 'Back to the clients')));
    showError(error);
    return;
  }
  if (!view.isCurrent()) return;
  new ClientPage(main, view, clientId, state).render();
}

class ClientPage {
  constructor(main, view, clientId, { client, revision }) {
    this.main = main;
    this.view = view;
    this.clientId = clientId;
    this.client = client;
    this.revision = revision;
  }

  render() {
    this.heading = h('h1', { tabindex: '-1', id: 'client-heading' }, this.client.client_name);
    this.secretSlot = h('div', { id: 'secret-slot' });
    this.details = h('dl', { id: 'client-metadata', class: 'meta-list' });
    this.activity = h('div', { id: 'client-activity', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading activity…'));
    this.form = this.editForm();
    this.secretSection = h(
      'section',
      { 'aria-labelledby': 'secret-title', class: 'card' },
      h('h2', { id: 'secret-title' }, 'Secret'),
      h('p', {}, 'A new secret replaces the current one at once: the app must be given the new one.'),
      h('button', { type: 'button', id: 'regenerate-secret', onclick: () => this.regenerateSecret() }, 'Regenerate secret'),
    );
    replaceChildren(
      this.main,
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/clients' }, 'Clients')),
      this.heading,
      this.secretSlot,
      h('section', { 'aria-labelledby': 'details-title', class: 'card' }, h('h2', { id: 'details-title' }, 'Details'), this.details),
      h('section', { 'aria-labelledby': 'edit-title', class: 'card' }, h('h2', { id: 'edit-title' }, 'Edit'), this.form),
      this.secretSection,
      h(
        'section',
        { 'aria-labelledby': 'delete-title', class: 'card card-danger' },
        h('h2', { id: 'delete-title' }, 'Delete'),
        h('p', {}, 'Deleting the client ends every sign-in it holds: its tokens stop working.'),
        h('button', { type: 'button', id: 'delete-client', class: 'button-danger', onclick: () => this.deleteClient() }, 'Delete client'),
      ),
      h('section', { 'aria-labelledby': 'activity-title', class: 'card' }, h('h2', { id: 'activity-title' }, 'Recent activity'), this.activity),
    );
    this.showClient();
    this.loadActivity();
  }

  showClient() {
    const c = this.client;
    this.heading.textContent = c.client_name;
    document.title = `${c.client_name} · meshid admin`;
    this.secretSection.hidden = !c.confidential;
    const rows = [
      ['Client ID', h('code', { id: 'client-id' }, c.client_id)],
      ['Type', c.confidential ? 'Confidential' : 'Public'],
      ['Authentication', h('code', {}, c.token_endpoint_auth_method)],
      ['Grant types', (c.grant_types ?? []).join(', ') || '—'],
      ['Redirect URIs', uriList(c.redirect_uris)],
      ['Post-logout redirect URIs', uriList(c.post_logout_redirect_uris)],
      ['Scope', c.scope ? h('code', {}, c.scope) : '—'],
      ['PKCE required', c.require_pkce ? 'Yes' : 'No'],
      ['Created', time(c.created_at)],
      ['Updated', time(c.updated_at)],
      ['Revision', String(this.revision)],
    ];
    replaceChildren(this.details, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
    this.fillForm();
  }

  editForm() {
    this.inputs = {
      name: h('input', { type: 'text', id: 'edit-client-name', name: 'client_name', required: true, maxlength: '200', autocomplete: 'off', 'data-field': 'client_name' }),
      redirects: h('textarea', { id: 'edit-redirect-uris', name: 'redirect_uris', rows: '3', spellcheck: 'false', 'data-field': 'redirect_uris' }),
      postLogout: h('textarea', { id: 'edit-post-logout-redirect-uris', name: 'post_logout_redirect_uris', rows: '2', spellcheck: 'false', 'data-field': 'post_logout_redirect_uris' }),
      scope: h('input', { type: 'text', id: 'edit-scope', name: 'scope', autocomplete: 'off', spellcheck: 'false', 'data-field': 'scope' }),
    };
    this.grants = grantFieldset('edit-', []);
    this.saveButton = h('button', { type: 'submit', id: 'save-client' }, 'Save changes');
    const form = h(
      'form',
      { id: 'edit-client-form', class: 'stacked-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); this.save(); } },
      field({ id: 'edit-client-name', label: 'Name', control: this.inputs.name }),
      field({ id: 'edit-redirect-uris', label: 'Redirect URIs', control: this.inputs.redirects, hint: 'One per line.' }),
      field({ id: 'edit-post-logout-redirect-uris', label: 'Post-logout redirect URIs', control: this.inputs.postLogout, hint: 'One per line.' }),
      field({ id: 'edit-scope', label: 'Scope', control: this.inputs.scope, hint: 'Space-separated scopes the client may ask for.' }),
      this.grants,
      h('div', { class: 'button-row' }, this.saveButton),
    );
    return form;
  }

  fillForm() {
    const c = this.client;
    this.inputs.name.value = c.client_name;
    this.inputs.redirects.value = (c.redirect_uris ?? []).join('\n');
    this.inputs.postLogout.value = (c.post_logout_redirect_uris ?? []).join('\n');
    this.inputs.scope.value = c.scope ?? '';
    for (const box of this.grants.querySelectorAll('input[name="grant_types"]')) {
      box.checked = (c.grant_types ?? []).includes(box.value);
      box.disabled = box.value === 'client_credentials' && !c.confidential;
    }
  }

  /** Only what was changed is sent: a field left alone keeps whatever someone else may have set. */
  changes() {
    const c = this.client;
    const changes = {};
    const name = this.inputs.name.value.trim();
    if (name !== c.client_name) changes.client_name = name;
    const redirects = lines(this.inputs.redirects.value);
    if (!sameList(redirects, c.redirect_uris ?? [])) changes.redirect_uris = redirects;
    const postLogout = lines(this.inputs.postLogout.value);
    if (!sameList(postLogout, c.post_logout_redirect_uris ?? [])) changes.post_logout_redirect_uris = postLogout;
    const scope = this.inputs.scope.value.trim().split(/\s+/).filter(Boolean).join(' ');
    if (scope !== (c.scope ?? '')) changes.scope = scope;
    const grants = checkedGrants(this.form);
    const current = c.grant_types ?? [];
    if (!sameList([...grants].sort(), [...current].sort())) {
      // Grant types the form does not offer (token exchange) are kept.
      changes.grant_types = [...grants, ...current.filter((g) => !GRANT_CHOICES.some((choice) => choice.value === g))];
    }
    return changes;
  }

  async save() {
    clearMessages();
    const changes = this.changes();
    if (changes.scope === '') {
      // An empty scope would leave the client nothing to ask for; the default is not known here.
      showError(new ApiError(400, { error_description: 'Not saved: the scope cannot be empty.', fields: [{ field: 'scope', message: 'name at least one scope, e.g. openid' }] }), { form: this.form });
      return;
    }
    if (Object.keys(changes).length === 0) {
      markInvalidFields(this.form, []);
      showStatus('Nothing changed.');
      return;
    }
    this.saveButton.disabled = true;
    showStatus('Saving…');
    try {
      const updated = await api.updateClient(this.clientId, changes, this.revision);
      if (!this.view.isCurrent()) return;
      const { client_secret: secret, ...client } = updated;
      this.client = client;
      this.revision = client.revision;
      markInvalidFields(this.form, []);
      this.showClient();
      if (secret) this.showSecret('Its new secret', secret);
      showStatus(`Saved changes to ${client.client_name}.`);
      this.loadActivity();
    } catch (error) {
      if (!this.view.isCurrent()) return;
      showSaveFailure(error, { thing: 'client', form: this.form, reload: () => this.reload(), reloadId: 'reload-client' });
    } finally {
      this.saveButton.disabled = false;
    }
  }

  async reload() {
    clearMessages();
    try {
      const state = await api.getClient(this.clientId);
      if (!this.view.isCurrent()) return;
      this.client = state.client;
      this.revision = state.revision;
      markInvalidFields(this.form, []);
      this.showClient();
      showStatus('Reloaded: this is the current version.');
      this.inputs.name.focus();
      this.loadActivity();
    } catch (error) {
      if (this.view.isCurrent()) showError(error);
    }
  }

  showSecret(title, secret) {
    replaceChildren(this.secretSlot, secretPanel({ title, clientId: this.clientId, secret }));
    this.secretSlot.querySelector('#copy-secret').focus();
  }

  async regenerateSecret() {
    clearMessages();
    const answer = await confirmAction({
      title: 'Regenerate the secret?',
      message: `The current secret of ${this.client.client_name} stops working at once. The app keeps failing to sign people in until it is given the new secret.`,
      confirmLabel: 'Regenerate secret',
      danger: true,
    });
    if (answer === null || !this.view.isCurrent()) return;
    try {
      const issued = await api.regenerateSecret(this.clientId);
      if (!this.view.isCurrent()) return;
      this.revision = issued.revision;
      this.client = { ...this.client, revision: issued.revision };
      this.showClient();
      this.showSecret('New secret', issued.client_secret);
      showStatus('Secret regenerated. The old one no longer works.');
      this.loadActivity();
    } catch (error) {
      if (this.view.isCurrent()) showError(error, { prefix: 'The secret was not regenerated' });
    }
  }

  async deleteClient() {
    clearMessages();
    const answer = await confirmAction({
      title: 'Delete this client?',
      message: `${this.client.client_name} (${this.clientId}) is deleted and everyone signed in through it is signed out: its tokens stop working. This cannot be undone.`,
      confirmLabel: 'Delete client',
      danger: true,
    });
    if (answer === null || !this.view.isCurrent()) return;
    try {
      await api.deleteClient(this.clientId);
      this.view.navigate('#/clients', `Deleted ${this.client.client_name}.`);
    } catch (error) {
      if (this.view.isCurrent()) showError(error, { prefix: 'The client was not deleted' });
    }
  }

  async loadActivity() {
    const target = this.activity;
    target.setAttribute('aria-busy', 'true');
    let result;
    try {
      result = await api.clientActivity(this.clientId, 20);
    } catch (error) {
      if (!this.view.isCurrent()) return;
      replaceChildren(target, h('p', {}, `The activity could not be loaded: ${error.message}`));
      target.setAttribute('aria-busy', 'false');
      return;
    }
    if (!this.view.isCurrent()) return;
    const items = result.items ?? [];
    replaceChildren(
      target,
      items.length === 0
        ? h('p', { class: 'muted' }, 'Nothing yet.')
        : h(
            'ol',
            { class: 'activity-list', id: 'activity-list' },
            items.map((entry) =>
              h(
                'li',
                { 'data-type': entry.type },
                h('span', { class: 'activity-when' }, time(entry.at)),
                h('span', { class: 'activity-what' }, entry.summary || entry.type),
                entry.actor ? h('span', { class: 'activity-who' }, `by ${entry.actor}`) : null,
              ),
            ),
          ),
    );
    target.setAttribute('aria-busy', 'false');
  }
}
