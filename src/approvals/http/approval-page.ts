import type { FastifyReply } from 'fastify';
import { escapeHtml, PAGE_SECURITY_HEADERS } from '../../authorization/http/html-page.js';

/** The waiting page's script, served from meshid's origin (never inline). */
export const WAITING_SCRIPT_PATH = '/login/approve/waiting.js';

/**
 * The page CSP, plus, for the waiting page only, its one script from our own origin and the
 * status requests it makes.
 */
const SCRIPT_CSP = `${PAGE_SECURITY_HEADERS['content-security-policy']}; script-src 'self'; connect-src 'self'`;

/** A piece of HTML built only from escaped text by the helpers below. */
export type Html = { readonly html: string };

export const text = (value: string): Html => ({ html: escapeHtml(value) });
export const paragraph = (...parts: Array<string | Html>): Html => ({
  html: `<p>${parts.map((part) => (typeof part === 'string' ? escapeHtml(part) : part.html)).join('')}</p>`,
});
export const strong = (value: string, id?: string): Html => ({ html: `<strong${id !== undefined ? ` id="${escapeHtml(id)}"` : ''}>${escapeHtml(value)}</strong>` });
export const list = (items: string[]): Html => ({ html: `<ul>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>` });

export interface FormSpec {
  action: string;
  id?: string;
  hidden: Record<string, string>;
  /** A text input, labelled. */
  input?: { name: string; label: string; placeholder?: string };
  buttons: ReadonlyArray<{ name: string; value: string; label: string }>;
}

export function form(spec: FormSpec): Html {
  const parts = Object.entries(spec.hidden).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  if (spec.input !== undefined) {
    const { name, label, placeholder } = spec.input;
    parts.push(
      `<p><label for="${escapeHtml(name)}">${escapeHtml(label)}</label><br><input id="${escapeHtml(name)}" name="${escapeHtml(name)}" type="text" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32"${placeholder !== undefined ? ` placeholder="${escapeHtml(placeholder)}"` : ''}></p>`,
    );
  }
  parts.push(...spec.buttons.map((b) => `<button type="submit" name="${escapeHtml(b.name)}" value="${escapeHtml(b.value)}">${escapeHtml(b.label)}</button>`));
  return { html: `<form method="post" action="${escapeHtml(spec.action)}"${spec.id !== undefined ? ` id="${escapeHtml(spec.id)}"` : ''}>\n${parts.join('\n')}\n</form>` };
}

/** A page of the approval flow: a title and escaped pieces; `script` adds the waiting page's script. */
export function sendApprovalPage(reply: FastifyReply, status: number, title: string, body: Html[], options: { script?: boolean } = {}): void {
  const script = options.script === true ? `\n<script src="${WAITING_SCRIPT_PATH}"></script>` : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - meshid</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}strong{font-size:1.3rem;letter-spacing:.05em}input{font-size:1.2rem;padding:.3rem}button{font-size:1rem;margin-right:.5rem;padding:.4rem 1rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body.map((piece) => piece.html).join('\n')}${script}
</body>
</html>
`;
  const headers = options.script === true ? { ...PAGE_SECURITY_HEADERS, 'content-security-policy': SCRIPT_CSP } : PAGE_SECURITY_HEADERS;
  reply.status(status).headers({ ...headers, 'content-type': 'text/html; charset=utf-8' }).send(html);
}
