import { describe, expect, it } from '@jest/globals';
import type { FastifyReply } from 'fastify';
import { button, field, form, hidden, join, list, paragraph, strong } from './html.js';
import { sendHtmlPage, sendPage } from './html-page.js';

/** What a page sent: the status, the headers and the markup. */
function capture(): { reply: FastifyReply; sent: { status?: number; headers: Record<string, string>; body?: string } } {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(values: Record<string, string>) {
      Object.assign(sent.headers, values);
      return reply;
    },
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

const HOSTILE = `<script>alert("x")</script>&'`;

describe('the page builders', () => {
  it('escape every piece of text, in content and in attributes', () => {
    const markup = join([
      paragraph(HOSTILE, strong(HOSTILE, HOSTILE)),
      list([HOSTILE]),
      form(HOSTILE, HOSTILE, [hidden(HOSTILE, HOSTILE), field({ label: HOSTILE, name: HOSTILE, autocomplete: 'off', value: HOSTILE }, 'f'), button({ label: HOSTILE, name: HOSTILE, value: HOSTILE })], HOSTILE),
    ]).markup;
    expect(markup).not.toContain('<script');
    expect(markup).not.toMatch(/"x"|'/);
    expect(markup).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  it('leave out null and false pieces', () => {
    expect(join([paragraph('a'), null, false, paragraph('b')]).markup).toBe('<p>a</p>\n<p>b</p>');
  });
});

describe('sendHtmlPage', () => {
  it('sends lang, one h1 in main, and the strict CSP without scripts', () => {
    const { reply, sent } = capture();
    sendPage(reply, 400, 'Refused <here>', ['Because.']);
    expect(sent.status).toBe(400);
    expect(sent.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
    expect(sent.headers).toMatchObject({ 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'content-type': 'text/html; charset=utf-8' });
    expect(sent.body).toContain('<html lang="en">');
    expect(sent.body).toContain('<main>\n<h1>Refused &lt;here&gt;</h1>\n<p>Because.</p>\n</main>');
    expect(sent.body!.match(/<h1/g)).toHaveLength(1);
    expect(sent.body).not.toContain('<script');
  });

  it('loads scripts from our origin only, deferred ones in the head, others at the end of the body', () => {
    const { reply, sent } = capture();
    sendHtmlPage(reply, 'Scripted', paragraph('x'), { scripts: [{ src: '/a.js', defer: true }, { src: '/b.js', defer: false }], headers: { 'retry-after': '5', 'content-type': 'text/plain' } });
    expect(sent.status).toBe(200);
    expect(sent.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; script-src 'self'; connect-src 'self'");
    expect(sent.headers['retry-after']).toBe('5');
    expect(sent.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(sent.body).toMatch(/<script src="\/a\.js" defer><\/script>\n<\/head>/);
    expect(sent.body).toMatch(/<\/main>\n<script src="\/b\.js"><\/script>\n<\/body>/);
  });
});
