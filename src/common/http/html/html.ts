const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Markup that is already safe: only the builders below make it, and each escapes every piece of
 * text it is given. Pages are assembled from these, so no caller ever concatenates raw input.
 */
export class Html {
  constructor(readonly markup: string) {}
}

/** Text or markup; text is escaped. */
export type Inline = string | Html;
const inline = (part: Inline): string => (typeof part === 'string' ? escapeHtml(part) : part.markup);

/** Pieces one per line; null and false leave a piece out, so optional parts read as conditions. */
export const join = (parts: ReadonlyArray<Html | null | false>): Html => new Html(parts.filter((p): p is Html => p instanceof Html).map((p) => p.markup).join('\n'));
export const paragraph = (...parts: Inline[]): Html => new Html(`<p>${parts.map(inline).join('')}</p>`);
export const heading = (text: string): Html => new Html(`<h2>${escapeHtml(text)}</h2>`);
export const list = (items: ReadonlyArray<Inline>): Html => new Html(`<ul>\n${items.map((item) => `<li>${inline(item)}</li>`).join('\n')}\n</ul>`);
/** A link within a sentence or a list; `link` is one on its own line. */
export const anchor = (href: string, text: string): Html => new Html(`<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`);
export const link = (href: string, text: string): Html => paragraph(anchor(href, text));
/**
 * What a person reads here to type or pick elsewhere (an approval code, a number, an address):
 * set large by the stylesheet; `id` lets a test or a script find it.
 */
export const strong = (text: string, id?: string): Html => new Html(`<strong${id !== undefined ? ` id="${escapeHtml(id)}"` : ''}>${escapeHtml(text)}</strong>`);
export const code = (label: string, text: string): Html => new Html(`<p>${escapeHtml(label)} <code>${escapeHtml(text)}</code></p>`);
/** A message screen readers announce as soon as the page loads (a failed sign-in, a refusal). */
export const alert = (text: string): Html => new Html(`<p role="alert" class="alert">${escapeHtml(text)}</p>`);
/** What just happened (a change saved), announced politely. */
export const notice = (text: string): Html => new Html(`<p role="status">${escapeHtml(text)}</p>`);
/** Where a page's script reports what went wrong: empty at first, announced to screen readers as it changes. */
export const liveStatus = (id: string): Html => new Html(`<p id="${escapeHtml(id)}" class="alert" role="status" aria-live="polite"></p>`);

export interface Field {
  label: string;
  name: string;
  type?: 'text' | 'password' | 'email';
  /** An HTML autocomplete token list: username, current-password, new-password, one-time-code, `username webauthn`, off... */
  autocomplete: string;
  value?: string;
  placeholder?: string;
  required?: boolean;
  /** Extra attributes for one-time codes: numeric keyboard and a pattern. */
  numeric?: boolean;
  /** A code copied from another screen: capitals on mobile keyboards, no spell checking. */
  copiedCode?: boolean;
  maxLength?: number;
}

/** A labelled input: every input has a visible label tied to it by id (`<form id>-<name>`). */
export function field(f: Field, formId: string): Html {
  const id = `${formId}-${f.name}`;
  const attributes = [
    `id="${escapeHtml(id)}"`,
    `name="${escapeHtml(f.name)}"`,
    `type="${f.type ?? 'text'}"`,
    `autocomplete="${escapeHtml(f.autocomplete)}"`,
    f.value !== undefined ? `value="${escapeHtml(f.value)}"` : '',
    f.placeholder !== undefined ? `placeholder="${escapeHtml(f.placeholder)}"` : '',
    f.required ? 'required' : '',
    f.numeric ? 'inputmode="numeric" pattern="[0-9]{6,8}"' : '',
    f.copiedCode ? 'autocapitalize="characters" spellcheck="false"' : '',
    f.maxLength !== undefined ? `maxlength="${f.maxLength}"` : '',
  ].filter((a) => a !== '');
  return new Html(`<p><label for="${escapeHtml(id)}">${escapeHtml(f.label)}</label><br><input ${attributes.join(' ')}></p>`);
}

/**
 * The account a new-password form is for, for password managers only (they look for a username
 * field next to the password); hidden from everyone else, so it needs no label.
 */
export const usernameHint = (login: string): Html => new Html(`<input type="text" name="username" autocomplete="username" value="${escapeHtml(login)}" hidden readonly>`);

export const hidden = (name: string, value: string): Html => new Html(`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
/** One hidden input per entry, in the record's order. */
export const hiddenFields = (fields: Readonly<Record<string, string>>): Html => join(Object.entries(fields).map(([name, value]) => hidden(name, value)));

export interface Button {
  label: string;
  /** A submit button (the default) or a plain button a script drives (passkeys). */
  type?: 'submit' | 'button';
  name?: string;
  value?: string;
  /** data-action for the script: which ceremony the button starts. */
  action?: string;
  /** For a passkey registration: where the script fetches the creation options. */
  options?: string;
  /** Scripted buttons start disabled; the script enables them once it knows it can work here. */
  scripted?: boolean;
}

export function button(b: Button): Html {
  const attributes = [
    `type="${b.type ?? 'submit'}"`,
    b.name !== undefined ? `name="${escapeHtml(b.name)}"` : '',
    b.value !== undefined ? `value="${escapeHtml(b.value)}"` : '',
    b.action !== undefined ? `data-action="${escapeHtml(b.action)}"` : '',
    b.options !== undefined ? `data-options="${escapeHtml(b.options)}"` : '',
    b.scripted ? 'disabled' : '',
  ].filter((a) => a !== '');
  return new Html(`<button ${attributes.join(' ')}>${escapeHtml(b.label)}</button>`);
}

/** A POST form; `id` names it for its fields' labels and for scripts; `heading` names it for screen readers. */
export function form(id: string, action: string, children: ReadonlyArray<Html | null | false>, heading?: string): Html {
  const label = heading !== undefined ? ` aria-label="${escapeHtml(heading)}"` : '';
  return new Html(`<form id="${escapeHtml(id)}" method="post" action="${escapeHtml(action)}"${label}>\n${join(children).markup}\n</form>`);
}
