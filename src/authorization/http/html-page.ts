import type { FastifyReply } from 'fastify';

/** Headers of every HTML page meshid serves on the front channel. */
export const PAGE_SECURITY_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A form posted back to meshid: hidden fields, and one submit button per choice. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
  buttons: ReadonlyArray<{ name: string; value: string; label: string }>;
}

/** What a page holds besides its title; every piece of text is escaped. */
export interface PageContent {
  paragraphs: string[];
  list?: string[];
  /** Paragraphs after the list. */
  notes?: string[];
  form?: PageForm;
  /** Choices that only navigate (no state changes), after everything else. */
  links?: ReadonlyArray<{ href: string; label: string }>;
}

/** A small page: a title and paragraphs, every piece of text escaped. */
export function sendPage(reply: FastifyReply, status: number, title: string, paragraphs: string[]): void {
  sendContentPage(reply, status, title, { paragraphs });
}

/** A page with an optional list and form (consent, logout confirmation). */
export function sendContentPage(reply: FastifyReply, status: number, title: string, content: PageContent): void {
  const parts = content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  if (content.list !== undefined) parts.push(`<ul>\n${content.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>`);
  for (const note of content.notes ?? []) parts.push(`<p>${escapeHtml(note)}</p>`);
  if (content.form !== undefined) parts.push(renderForm(content.form));
  if (content.links !== undefined) {
    parts.push(`<ul>\n${content.links.map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></li>`).join('\n')}\n</ul>`);
  }
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - meshid</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}code{background:#eee;padding:0 .2em}button{font-size:1rem;margin-right:.5rem;padding:.4rem 1rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${parts.join('\n')}
</body>
</html>
`;
  reply.status(status).headers({ ...PAGE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }).send(html);
}

function renderForm(form: PageForm): string {
  const hidden = Object.entries(form.fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const buttons = form.buttons.map((b) => `<button type="submit" name="${escapeHtml(b.name)}" value="${escapeHtml(b.value)}">${escapeHtml(b.label)}</button>`);
  return `<form method="post" action="${escapeHtml(form.action)}">\n${[...hidden, ...buttons].join('\n')}\n</form>`;
}

/** A 303 to `location`; the front-channel redirects carry codes, so they are never cached. */
export function sendRedirect(reply: FastifyReply, location: string): void {
  reply.status(303).headers({ location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' }).send();
}
