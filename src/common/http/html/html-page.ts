import type { FastifyReply } from 'fastify';
import { escapeHtml, type Html, join, paragraph } from './html.js';

/** The CSP of every page: nothing but the page's own inline style; no `<base>` to move relative URLs; no framing. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The CSP of a page with scripts: also scripts from our own origin, and fetch to it (their
 * status and options requests); never inline script. No form-action: Chromium applies it to the
 * redirects a form post leads to, which end at the relying party's redirect URI.
 */
const SCRIPTED_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`;

/** Headers of every HTML page meshid serves on the front channel; never cached (pages carry CSRF tokens). */
const PAGE_SECURITY_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The one stylesheet of all pages (inline, so the CSP needs no style source but the page).
 * Colours keep at least 4.5:1 contrast on white (WCAG 1.4.3); a link alone on its line (a list of
 * choices) is at least 24px tall and spaced from the next (WCAG 2.2 target size, 2.5.8);
 * test/pages-accessibility.e2e-spec.ts checks every page with axe-core.
 */
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}' +
  'input{font-size:1rem;padding:.3rem;width:100%;max-width:20rem}code{background:#eee;padding:0 .2em;word-break:break-all}strong{font-size:1.3rem;letter-spacing:.05em}' +
  'li{margin:.4rem 0}li>a{display:inline-block;padding:.25rem 0}' +
  'button{font-size:1rem;margin:.3rem .5rem .3rem 0;padding:.4rem 1rem}.alert{color:#a00;font-weight:600}';

/**
 * A script of ours, served from our origin at `src` (a path). Deferred, it loads from the head
 * and runs once the page is parsed; otherwise it ends the body, after everything it works on.
 */
export interface PageScript {
  src: string;
  defer: boolean;
}

export interface PageOptions {
  status?: number;
  /** Loaded in order; any script allows `script-src 'self'` and `connect-src 'self'` in the page's CSP. */
  scripts?: ReadonlyArray<PageScript>;
  /** More headers (retry-after...); they cannot replace content-type. */
  headers?: Readonly<Record<string, string>>;
}

const scriptTag = (script: PageScript): string => `\n<script src="${escapeHtml(script.src)}"${script.defer ? ' defer' : ''}></script>`;

/** A whole page: lang, a title, one h1 and the body in `<main>`, with the security headers. */
export function sendHtmlPage(reply: FastifyReply, title: string, body: Html, options: PageOptions = {}): void {
  const scripts = options.scripts ?? [];
  const head = scripts.filter((s) => s.defer).map(scriptTag).join('');
  const tail = scripts.filter((s) => !s.defer).map(scriptTag).join('');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - meshid</title>
<style>${STYLE}</style>${head}
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body.markup}
</main>${tail}
</body>
</html>
`;
  const csp = scripts.length > 0 ? SCRIPTED_PAGE_CSP : PAGE_CSP;
  reply
    .status(options.status ?? 200)
    .headers({ ...PAGE_SECURITY_HEADERS, 'content-security-policy': csp, ...options.headers, 'content-type': 'text/html; charset=utf-8' })
    .send(html);
}

/** A page of a title and paragraphs of text: most refusals and confirmations. */
export function sendPage(reply: FastifyReply, status: number, title: string, paragraphs: readonly string[]): void {
  sendHtmlPage(reply, title, join(paragraphs.map((p) => paragraph(p))), { status });
}

/** A 303 to `location`; the front-channel redirects carry codes, so they are never cached. */
export function sendRedirect(reply: FastifyReply, location: string): void {
  reply.status(303).headers({ location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' }).send();
}

/** A JSON answer to a page's script: never cached, never sniffed. */
export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  reply
    .status(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff', ...headers, 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify(body));
}
