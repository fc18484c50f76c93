// The signing keys view: the keys, rotation, and retirement.

import { api } from './api.js';
import { h, replaceChildren, scrollingTable, time } from './dom.js';
import { clearMessages, confirmAction, showError, showStatus } from './feedback.js';

const STATUS_LABELS = { published: 'Published (not signing yet)', active: 'Active (signing)', retired: 'Retired' };

/** `#/keys` */
export async function renderKeys(main, _params, view) {
  const table = h('div', { id: 'keys-results', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading keys…'));
  const rotate = h('button', { type: 'button', id: 'rotate-keys', onclick: () => rotateKeys() }, 'Rotate keys');

  const load = async () => {
    table.setAttribute('aria-busy', 'true');
    let result;
    try {
      result = await api.listKeys();
    } catch (error) {
      if (!view.isCurrent()) return;
      replaceChildren(table, h('p', {}, 'The keys could not be loaded.'));
      table.setAttribute('aria-busy', 'false');
      showError(error);
      return;
    }
    if (!view.isCurrent()) return;
    const keys = result.items ?? [];
    replaceChildren(
      table,
      keys.length === 0
        ? h('p', {}, 'No signing keys yet: meshid generates them when it first signs.')
        : scrollingTable(
            'Signing keys',
            'keys-table',
            ['Key ID', 'Algorithm', 'Status', 'In JWKS', 'Generated', 'Activated', 'Retired', 'Leaves JWKS', 'Actions'],
            keys.map((key) => keyRow(key)),
          ),
    );
    table.setAttribute('aria-busy', 'false');
  };

  const keyRow = (key) =>
    h(
      'tr',
      { 'data-kid': key.kid, 'data-status': key.status },
      h('th', { scope: 'row' }, h('code', { class: 'kid' }, key.kid)),
      h('td', {}, key.alg),
      h('td', {}, h('span', { class: `badge badge-${key.status}` }, STATUS_LABELS[key.status] ?? key.status)),
      h('td', {}, key.in_jwks ? 'Yes' : 'No'),
      h('td', {}, time(key.generated_at)),
      h('td', {}, activation(key)),
      h('td', {}, time(key.retired_at)),
      h('td', {}, time(key.unpublish_after)),
      h(
        'td',
        {},
        key.status === 'retired'
          ? h('span', { class: 'muted' }, '—')
          : h('button', { type: 'button', class: 'button-secondary retire-key', 'aria-label': `Retire key ${key.kid}`, onclick: () => retireKey(key) }, 'Retire'),
      ),
    );

  // A key not signing yet shows when it may start; one that signed shows when it did.
  const activation = (key) => {
    if (key.activated_at) return time(key.activated_at);
    if (key.status === 'retired' || !key.activate_after) return time(null);
    return h('span', {}, 'not before ', time(key.activate_after));
  };

  const rotateKeys = async () => {
    clearMessages();
    const answer = await confirmAction({
      title: 'Rotate the signing keys?',
      message: 'meshid generates a new key for each algorithm and publishes it in JWKS. It starts signing once relying parties have had time to fetch it; the current key is then retired.',
      confirmLabel: 'Rotate keys',
      options: [{ name: 'immediate', label: 'Activate now', hint: 'Skips pre-publication: relying parties that cached JWKS may refuse new tokens until they fetch it again.' }],
    });
    if (answer === null || !view.isCurrent()) return;
    rotate.disabled = true;
    try {
      const result = await api.rotateKeys(answer.immediate ? { immediate: true } : {});
      if (!view.isCurrent()) return;
      const changed = result.items ?? [];
      showStatus(changed.length === 0 ? 'A rotation is already pending: nothing changed.' : `Rotated: ${changed.length} key${changed.length === 1 ? '' : 's'} changed.`);
      await load();
    } catch (error) {
      if (view.isCurrent()) showError(error, { prefix: 'The keys were not rotated' });
    } finally {
      rotate.disabled = false;
    }
  };

  const retireKey = async (key) => {
    clearMessages();
    const answer = await confirmAction({
      title: `Retire key ${key.kid}?`,
      message:
        key.status === 'active'
          ? 'It stops signing and the next key takes over. It stays in JWKS until the tokens it signed have expired.'
          : 'It will never sign. It stays in JWKS until the tokens it signed have expired.',
      confirmLabel: 'Retire key',
      danger: true,
      options: [{ name: 'unpublish_now', label: 'Compromised: remove from JWKS now', hint: 'Every token it signed stops verifying at once.' }],
    });
    if (answer === null || !view.isCurrent()) return;
    try {
      const result = await api.retireKey(key.kid, answer.unpublish_now ? { unpublish_now: true } : {});
      if (!view.isCurrent()) return;
      showStatus(`Retired key ${key.kid}${answer.unpublish_now ? ' and removed it from JWKS' : ''}; ${(result.items ?? []).length} key(s) changed.`);
      await load();
    } catch (error) {
      if (view.isCurrent()) showError(error, { prefix: `Key ${key.kid} was not retired` });
    }
  };

  replaceChildren(
    main,
    h('div', { class: 'page-heading' }, h('h1', { tabindex: '-1' }, 'Signing keys'), rotate),
    h('p', {}, 'The keys that sign ID tokens and access tokens. Relying parties fetch the published ones from JWKS.'),
    table,
  );
  await load();
}
