// meshid's admin UI: a hash router over the views, and the signed-in header.

import { renderAccount, renderAccountList, renderCreateAccount } from './accounts.js';
import { api, ApiError } from './api.js';
import { renderClient, renderClientList, renderCreateClient } from './clients.js';
import { h, replaceChildren } from './dom.js';
import { clearMessages, showError, showStatus } from './feedback.js';
import { renderKeys } from './keys.js';

const main = document.getElementById('main');

/** Incremented at every navigation: a view whose number is stale drops its late answers. */
let generation = 0;
/** A status line to show after the next navigation (e.g. "Deleted X." once back on the list). */
let pendingStatus = null;
let firstRender = true;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/clients';
  const [path, query = ''] = raw.split('?');
  const segments = path.split('/').filter(Boolean).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  return { segments, params: new URLSearchParams(query) };
}

function route(segments) {
  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'clients')) return { nav: 'clients', title: 'Clients', render: renderClientList };
  if (segments.length === 2 && segments[0] === 'clients' && segments[1] === 'new') return { nav: 'new-client', title: 'New client', render: renderCreateClient };
  if (segments.length === 2 && segments[0] === 'clients') return { nav: 'clients', title: 'Client', render: (m, p, v) => renderClient(m, p, v, segments[1]) };
  if (segments.length === 1 && segments[0] === 'accounts') return { nav: 'accounts', title: 'Accounts', render: renderAccountList };
  if (segments.length === 2 && segments[0] === 'accounts' && segments[1] === 'new') return { nav: 'accounts', title: 'New account', render: renderCreateAccount };
  if (segments.length === 2 && segments[0] === 'accounts') return { nav: 'accounts', title: 'Account', render: (m, p, v) => renderAccount(m, p, v, segments[1]) };
  if (segments.length === 1 && segments[0] === 'keys') return { nav: 'keys', title: 'Signing keys', render: renderKeys };
  return { nav: null, title: 'Not found', render: renderNotFound };
}

function renderNotFound(target) {
  replaceChildren(target, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '#/clients' }, 'Go to the clients')));
}

async function render() {
  generation += 1;
  const mine = generation;
  const { segments, params } = parseHash();
  const current = route(segments);
  clearMessages();
  if (pendingStatus) {
    showStatus(pendingStatus);
    pendingStatus = null;
  }
  document.title = `${current.title} · meshid admin`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === current.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = {
    isCurrent: () => mine === generation,
    navigate(hash, status) {
      if (status) pendingStatus = status;
      if (window.location.hash === hash) render();
      else window.location.hash = hash;
    },
  };
  const moveFocus = !firstRender;
  firstRender = false;
  const rendering = current.render(main, params, view);
  main.dataset.route = segments.join('/') || 'clients';
  main.setAttribute('aria-busy', 'true');
  try {
    await rendering;
  } catch (error) {
    if (view.isCurrent()) showError(error);
  } finally {
    if (view.isCurrent()) {
      // After a navigation, focus the new page's heading, as a page load would for a screen
      // reader; not on the first load, nor when the user has already moved into the page.
      if (moveFocus && !main.contains(document.activeElement)) main.querySelector('h1')?.focus();
      main.setAttribute('aria-busy', 'false');
      main.dataset.ready = String(mine);
    }
  }
}

async function showWhoami() {
  const target = document.getElementById('whoami');
  try {
    const principal = await api.whoami();
    replaceChildren(target, 'Signed in as ', h('strong', { title: principal.actor }, principal.name || principal.actor));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      replaceChildren(target, 'Not allowed to administer meshid');
      showError(error, { prefix: 'You cannot use the admin UI' });
    } else {
      replaceChildren(target, 'Signed-in user unknown');
    }
  }
}

window.addEventListener('hashchange', () => render());
if (!window.location.hash) window.history.replaceState(null, '', '#/clients');
showWhoami();
render();
