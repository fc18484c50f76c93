import type { FastifyReply } from 'fastify';
import { escapeHtml, PAGE_SECURITY_HEADERS } from '../../authorization/http/html-page.js';

/**
 * Markup that is already safe: only the helpers below make it, and each escapes every piece of
 * text it is given. Pages are assembled from these, so no caller ever concatenates raw input.
 */
export class Html {
  constructor(readonly markup: string) {}
}

export const join = (parts: ReadonlyArray<Html | null | false>): Html => new Html(parts.filter((p): p is Html => p instanceof Html).map((p) => p.markup).join('\n'));
export const paragraph = (text: string): Html => new Html(`<p>${escapeHtml(text)}</p>`);
export const heading = (text: string): Html => new Html(`<h2>${escapeHtml(text)}</h2>`);
export const link = (href: string, text: string): Html => new Html(`<p><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></p>`);
export const code = (label: string, text: string): Html => new Html(`<p>${escapeHtml(label)} <code>${escapeHtml(text)}</code></p>`);
/** A message screen readers announce as soon as the page loads (a failed sign-in, a refusal). */
export const alert = (text: string): Html => new Html(`<p role="alert" class="alert">${escapeHtml(text)}</p>`);
/** What just happened (a change saved), announced politely. */
export const notice = (text: string): Html => new Html(`<p role="status">${escapeHtml(text)}</p>`);
/** Where the script reports a passkey ceremony's failure: announced to screen readers as it changes. */
export const passkeyStatus = (): Html => new Html('<p id="passkey-status" class="alert" role="status" aria-live="polite"></p>');

export interface Field {
  label: string;
  name: string;
  type?: 'text' | 'password' | 'email';
  /** An HTML autocomplete token list: username, current-password, new-password, one-time-code, `username webauthn`... */
  autocomplete: string;
  value?: string;
  required?: boolean;
  /** Extra attributes for one-time codes: numeric keyboard and a pattern. */
  numeric?: boolean;
  maxLength?: number;
}

/** A labelled input: every input has a visible label tied to it by id. */
export function field(f: Field, formId: string): Html {
  const id = `${formId}-${f.name}`;
  const attributes = [
    `id="${escapeHtml(id)}"`,
    `name="${escapeHtml(f.name)}"`,
    `type="${f.type ?? 'text'}"`,
    `autocomplete="${escapeHtml(f.autocomplete)}"`,
    f.value !== undefined ? `value="${escapeHtml(f.value)}"` : '',
    f.required ? 'required' : '',
    f.numeric ? 'inputmode="numeric" pattern="[0-9]{6,8}"' : '',
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
  /** Scripted buttons start disabled; the script enables them once it knows WebAuthn works here. */
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

/** A POST form; `id` names it for the labels and for the script. */
export function form(id: string, action: string, children: ReadonlyArray<Html | null | false>, heading?: string): Html {
  const label = heading !== undefined ? ` aria-label="${escapeHtml(heading)}"` : '';
  return new Html(`<form id="${escapeHtml(id)}" method="post" action="${escapeHtml(action)}"${label}>\n${join(children).markup}\n</form>`);
}

/** The script of the pages that use passkeys, served from our own origin (see AccountsAssetsController). */
export const PASSKEY_SCRIPT_PATH = '/login/assets/passkey.js';

/**
 * The pages' CSP: PAGE_SECURITY_HEADERS', plus, for a page that uses passkeys, our own script
 * and fetch to our own origin, nothing inline. No form-action: Chromium applies it to the
 * redirects a form post leads to, which end at the relying party's redirect URI.
 */
const SCRIPT_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export interface PageOptions {
  status?: number;
  /** Loads PASSKEY_SCRIPT_PATH and allows it in the CSP. */
  script?: boolean;
  headers?: Record<string, string>;
}

/** A whole page: lang, a title, one h1, the body; never cached (it carries CSRF tokens). */
export function sendHtmlPage(reply: FastifyReply, title: string, body: Html, options: PageOptions = {}): void {
  const script = options.script ? `\n<script src="${PASSKEY_SCRIPT_PATH}" defer></script>` : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - meshid</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}input{font-size:1rem;padding:.3rem;width:100%;max-width:20rem}code{background:#eee;padding:0 .2em;word-break:break-all}button{font-size:1rem;margin:.3rem .5rem .3rem 0;padding:.4rem 1rem}.alert{color:#a00;font-weight:600}</style>${script}
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body.markup}
</main>
</body>
</html>
`;
  const security = options.script ? { ...PAGE_SECURITY_HEADERS, 'content-security-policy': SCRIPT_CSP } : PAGE_SECURITY_HEADERS;
  reply
    .status(options.status ?? 200)
    .headers({ ...security, ...options.headers, 'content-type': 'text/html; charset=utf-8' })
    .send(html);
}

/** A JSON answer of the passkey endpoints: never cached, never sniffed. */
export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): void {
  reply
    .status(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff', ...headers, 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify(body));
}
