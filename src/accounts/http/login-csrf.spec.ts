import { describe, expect, it } from '@jest/globals';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { LoginCsrf } from './login-csrf.js';

const hasher = new SecretHasher({ pepper: Buffer.alloc(32, 7) } as never);
const csrf = (issuer: string) => new LoginCsrf(hasher, { issuer } as MeshidConfig);

/** A reply that only records its Set-Cookie headers. */
function recordingReply(): { reply: FastifyReply; cookies: string[] } {
  const cookies: string[] = [];
  const reply = { header: (name: string, value: string) => (name === 'set-cookie' ? cookies.push(value) : undefined) } as unknown as FastifyReply;
  return { reply, cookies };
}

const requestWith = (cookie?: string) => ({ headers: cookie !== undefined ? { cookie } : {} }) as FastifyRequest;

describe('LoginCsrf', () => {
  it('sets a pre-login cookie once and accepts only the MAC of the cookie the request carries', () => {
    const guard = csrf('http://localhost:8080');
    const first = recordingReply();
    guard.token(requestWith(), first.reply);
    expect(first.cookies).toHaveLength(1);
    expect(first.cookies[0]).toMatch(/^meshid_login=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = first.cookies[0]!.split(';')[0]!;

    const again = recordingReply();
    const token = guard.token(requestWith(`other=1; ${cookie}`), again.reply);
    expect(again.cookies).toHaveLength(0);
    expect(guard.verify(requestWith(cookie), token)).toBe(true);

    const otherCookie = `meshid_login=${'A'.repeat(43)}`;
    expect(guard.verify(requestWith(otherCookie), token)).toBe(false);
    expect(guard.verify(requestWith(), token)).toBe(false);
    expect(guard.verify(requestWith(cookie), cookie.split('=')[1])).toBe(false);
    expect(guard.verify(requestWith(cookie), undefined)).toBe(false);
    expect(guard.verify(requestWith(cookie), [token])).toBe(false);
  });

  it('uses a __Host- cookie, Secure, when the issuer is https', () => {
    const { reply, cookies } = recordingReply();
    const guard = csrf('https://id.example.com');
    const token = guard.token(requestWith(), reply);
    expect(cookies[0]).toMatch(/^__Host-meshid_login=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const cookie = cookies[0]!.split(';')[0]!;
    expect(guard.verify(requestWith(cookie), token)).toBe(true);
    // The unprefixed name (which a sibling subdomain could set) is not read.
    expect(guard.verify(requestWith(cookie.replace('__Host-', '')), token)).toBe(false);
  });
});
