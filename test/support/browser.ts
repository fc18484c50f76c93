/**
 * A browser's cookie jar against one meshid: sends `meshid_session` back, follows what
 * Set-Cookie does to it, and never follows redirects (the tests read them).
 */
export class Browser {
  cookie: string | null = null;

  constructor(private readonly base: string) {}

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) };
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      this.cookie = /Max-Age=0/i.test(set) ? null : pair!;
    }
    return response;
  }

  /** A form POST to a path of meshid; a list value repeats the name. */
  post(path: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
    return this.fetch(`${this.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  }
}

/** The value of a hidden form field in a meshid page, unescaped. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name} in ${html}`);
  return match[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
