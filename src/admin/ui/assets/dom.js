// Every piece of API data reaches the page through this builder as text nodes or attribute
// values, never as markup: a client named `<img src=x onerror=…>` is shown as those characters.

/**
 * Builds an element. `attrs`: `class`, `for`, aria-* and other attributes are set as attributes,
 * `on<event>` functions become listeners, boolean `true` sets an empty attribute, `false`/null/undefined
 * are skipped. Children: strings and numbers become text nodes, null/false are skipped, arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'value' && 'value' in element) {
      element.value = String(value);
    } else if (name === 'checked' || name === 'selected') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.textContent = '';
  append(parent, children);
}

/** A `<time>` for an ISO-8601 instant, readable in the viewer's locale; a dash when absent. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', {}, iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

/**
 * A table in its own focusable region that scrolls sideways when it does not fit, so that the
 * page itself never does and keyboard users can still scroll it.
 */
export function scrollingTable(label, id, headers, rows) {
  // Each cell carries its column's name, which the stylesheet shows beside it when a phone's
  // width stacks the rows into cards.
  for (const row of rows) [...row.children].forEach((cell, i) => cell.setAttribute('data-label', headers[i] ?? ''));
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h(
      'table',
      { id },
      h('caption', { class: 'visually-hidden' }, label),
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows),
    ),
  );
}

let uniqueCounter = 0;
/** An id for pairing a label or hint with its control. */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}
