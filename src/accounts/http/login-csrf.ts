import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';

const PURPOSE = 'login form token';
const VALUE = /^[A-Za-z0-9_-]{43}$/;
const MAX_COOKIE_HEADER = 8192;

/**
 * CSRF protection for the forms shown before anyone is signed in (login, setup links), where
 * there is no session to bind a token to (BrowserSessions.formToken is for after sign-in).
 *
 * Design: a signed double submit. The first page view sets a pre-login cookie holding 256 random
 * bits (HttpOnly, SameSite=Lax, Path=/; `__Host-` prefixed and Secure when the issuer is https,
 * so no sibling subdomain can plant one). Every form carries `MAC(cookie)` under a key of this
 * purpose alone. A POST is accepted only when its form token is the MAC of the cookie the same
 * request carries (constant-time). A cross-site page can make the browser send the cookie but
 * cannot read it, nor our page, so it cannot know the token; and since the token is a MAC, not a
 * copy of the cookie, a cookie planted over plain http still needs a token only meshid can make.
 * The cookie lives for the browser session; it proves nothing by itself and holds no identity,
 * so reusing it across forms and tabs is fine. (Origin cannot be checked instead: with
 * `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts.)
 */
@Injectable()
export class LoginCsrf {
  private readonly cookieName: string;
  private readonly secure: boolean;

  constructor(
    private readonly hasher: SecretHasher,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.secure = new URL(config.issuer).protocol === 'https:';
    this.cookieName = this.secure ? '__Host-meshid_login' : 'meshid_login';
  }

  /** The form token for this browser, setting the pre-login cookie on `reply` when it has none. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let value = this.cookie(request);
    if (value === null) {
      value = SecretHasher.generate();
      reply.header('set-cookie', `${this.cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`);
    }
    return this.hasher.mac(PURPOSE, value);
  }

  /** Whether `token` is the MAC of the pre-login cookie this request carries. */
  verify(request: FastifyRequest, token: unknown): boolean {
    const value = this.cookie(request);
    return value !== null && typeof token === 'string' && this.hasher.verifyMac(PURPOSE, value, token);
  }

  private cookie(request: FastifyRequest): string | null {
    const header = request.headers.cookie;
    if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return null;
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1 || pair.slice(0, eq).trim() !== this.cookieName) continue;
      const value = pair.slice(eq + 1).trim();
      if (VALUE.test(value)) return value;
    }
    return null;
  }
}
