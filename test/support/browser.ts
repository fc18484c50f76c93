/**
 * A browser's cookie jar against one meshid: keeps every cookie by name as Set-Cookie leaves it
 * (the session, the pre-login CSRF cookie, a waiting approval), sends them back, and never
 * follows redirects (the tests read them). Relative URLs are meshid's.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** `headers` go with every request, e.g. the identity headers of a trusted proxy. */
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The session cookie as sent (`meshid_session=<sid>.<secret>`), or null. */
  get cookie(): string | null {
    const session = this.cookies.get('meshid_session');
    return session === undefined ? null : `meshid_session=${session}`;
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...this.headers, ...(init.headers as Record<string, string>), ...(cookie !== '' ? { cookie } : {}) };
    const response = await fetch(new URL(url, this.base), { ...init, headers, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/Max-Age=0/i.test(set)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    return response;
  }

  /** A form POST to a path of meshid; a list value repeats the name. */
  post(path: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  }

  /** GETs a page and posts its form: the page's hidden fields named in `hidden` (a CSRF token, return_to...) plus `fields`. */
  async submit(page: string, action: string, fields: Record<string, string>, hidden: string[] = ['csrf']): Promise<Response> {
    const html = await (await this.fetch(page)).text();
    const form: Record<string, string> = {};
    for (const name of hidden) form[name] = formField(html, name);
    return this.post(action, { ...form, ...fields });
  }
}

/** The value of a hidden form field in a meshid page, unescaped. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name} in ${html}`);
  return match[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
