// What the page tells its user: errors (role="alert"), short status lines (aria-live), confirmation
// dialogs, and a secret shown once.

import { ApiError } from './api.js';
import { h, replaceChildren, uniqueId } from './dom.js';

const alertRegion = () => document.getElementById('alert');
const statusRegion = () => document.getElementById('status');

/** Clears the error and status lines (on every navigation and before every action). */
export function clearMessages() {
  const region = alertRegion();
  region.hidden = true;
  region.textContent = '';
  statusRegion().textContent = '';
}

/** A short success or progress line, read out politely. */
export function showStatus(text) {
  statusRegion().textContent = text;
}

/**
 * Shows `error` in the alert region: the server's description, then each problem field, and any
 * `actions` (buttons) that help recover. With `form`, the named fields are marked invalid.
 */
export function showError(error, { form, actions = [], prefix } = {}) {
  statusRegion().textContent = '';
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  const fields = error instanceof ApiError ? error.fields : [];
  const region = alertRegion();
  replaceChildren(
    region,
    h('p', { class: 'alert-title' }, prefix ? `${prefix}: ${message}` : message),
    fields.length > 0
      ? h(
          'ul',
          { class: 'alert-fields' },
          fields.map((f) => h('li', {}, h('strong', {}, fieldLabel(form, f.field)), ` (${f.field}): ${f.message ?? ''}`)),
        )
      : null,
    actions.length > 0 ? h('div', { class: 'button-row' }, actions) : null,
  );
  region.hidden = false;
  if (form) markInvalidFields(form, fields);
  region.scrollIntoView?.({ block: 'nearest' });
}

/** The human label of the form control for an API field such as `redirect_uris[1]`. */
function fieldLabel(form, field) {
  const control = form ? controlFor(form, field) : null;
  const label = control?.labels?.[0] ?? (control ? form.querySelector(`[data-field-legend="${baseField(field)}"]`) : null);
  return label ? label.textContent.replace(/\s+/g, ' ').trim() : field;
}

const baseField = (field) => field.replace(/\[\d+\]$/, '');

function controlFor(form, field) {
  return form.querySelector(`[data-field="${CSS.escape(baseField(field))}"]`);
}

/**
 * A save that failed. A stale revision (412: someone else changed the `thing` since it was
 * opened) offers to reload it, since the edits cannot simply be sent again; anything else is
 * shown with the form's invalid fields marked.
 */
export function showSaveFailure(error, { thing, form, reload, reloadId }) {
  if (error instanceof ApiError && error.status === 412) {
    const button = h('button', { type: 'button', id: reloadId, onclick: reload }, `Reload the ${thing}`);
    showError(`Someone else changed this ${thing} since you opened it, so your changes were not saved. Reload to see the current version (your edits here will be lost), then make them again.`, { actions: [button] });
    button.focus();
  } else {
    showError(error, { form, prefix: 'Not saved' });
  }
}

/** Sets aria-invalid on the controls the API named, and clears it on the others. */
export function markInvalidFields(form, fields) {
  const named = new Set(fields.map((f) => baseField(f.field)));
  for (const control of form.querySelectorAll('[data-field]')) {
    if (named.has(control.dataset.field)) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
  const first = fields.map((f) => controlFor(form, f.field)).find(Boolean);
  first?.focus();
}

/**
 * Asks before doing something. `options`: checkboxes `{name, label, hint?}` shown in the dialog.
 * Resolves to null when cancelled, or to `{[name]: checked}` when confirmed.
 */
export function confirmAction({ title, message, confirmLabel, danger = false, options = [] }) {
  const dialog = document.getElementById('confirm-dialog');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-message').textContent = message;
  const boxes = options.map((option) => {
    const inputId = uniqueId(`confirm-${option.name}`);
    const hintId = option.hint ? `${inputId}-hint` : null;
    const input = h('input', { type: 'checkbox', id: inputId, name: option.name, 'aria-describedby': hintId });
    return { option, input, row: h('div', { class: 'check-row' }, input, h('label', { for: inputId }, option.label), hintId ? h('p', { class: 'hint', id: hintId }, option.hint) : null) };
  });
  replaceChildren(document.getElementById('confirm-options'), boxes.map((b) => b.row));
  ok.textContent = confirmLabel;
  ok.classList.toggle('button-danger', danger);
  const opener = document.activeElement;

  return new Promise((resolve) => {
    const finish = (confirmed) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(confirmed ? Object.fromEntries(boxes.map((b) => [b.option.name, b.input.checked])) : null);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    // Escape closes a modal dialog natively: that is a cancel.
    const onClose = () => finish(false);
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    // The safe choice has the focus, so that a stray Enter does not delete anything.
    cancel.focus();
  });
}

/**
 * The panel that shows a just-issued secret, the only time it is ever shown. It lives in the
 * view's DOM only: navigating away re-renders the view and the secret is gone.
 */
export function secretPanel({ title, clientId, secret, extra = [] }) {
  const secretId = uniqueId('secret');
  const noteId = `${secretId}-note`;
  const value = h('input', {
    id: 'client-secret-value',
    class: 'secret-value',
    type: 'text',
    readonly: true,
    value: secret,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': noteId,
  });
  const copyStatus = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copy = h(
    'button',
    {
      type: 'button',
      id: 'copy-secret',
      onclick: async () => {
        const copied = await copyText(secret);
        if (copied) {
          copyStatus.textContent = 'Copied.';
        } else {
          // No clipboard access (insecure origin, or permission refused): select it for Ctrl+C.
          value.focus();
          value.select();
          copyStatus.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
        }
      },
    },
    'Copy secret',
  );
  return h(
    'section',
    { class: 'secret-panel', id: 'secret-panel', 'aria-labelledby': `${secretId}-title` },
    h('h2', { id: `${secretId}-title` }, title),
    h('dl', { class: 'meta-list' }, h('dt', {}, 'Client ID'), h('dd', {}, h('code', { id: 'secret-client-id' }, clientId))),
    h('label', { for: 'client-secret-value' }, 'Client secret'),
    h('div', { class: 'secret-row' }, value, copy, copyStatus),
    h('p', { class: 'secret-note', id: noteId }, h('strong', {}, 'Copy it now: it will not be shown again.'), ' meshid keeps only a hash of it. If it is lost, regenerate it.'),
    extra,
  );
}

/** Puts `text` on the clipboard; false where the browser does not allow it (the text stays selectable). */
export async function copyText(text) {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
