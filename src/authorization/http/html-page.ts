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

/** A small page: a title and paragraphs, every piece of text escaped. */
export function sendPage(reply: FastifyReply, status: number, title: string, paragraphs: string[]): void {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - meshid</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
  reply.status(status).headers({ ...PAGE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }).send(html);
}

/** A 303 to `location`; the front-channel redirects carry codes, so they are never cached. */
export function sendRedirect(reply: FastifyReply, location: string): void {
  reply.status(303).headers({ location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' }).send();
}
