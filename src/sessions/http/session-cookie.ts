import type { FastifyReply, FastifyRequest } from 'fastify';

/** The browser session cookie: `<sessionId>.<secret>`. */
export const SESSION_COOKIE = 'meshid_session';
/**
 * Its name when the issuer is https: the `__Host-` prefix makes browsers accept it only with
 * Secure, Path=/ and no Domain, so a sibling host (another `*.ts.net` name under the same tailnet
 * domain, say) cannot plant or shadow a session cookie of meshid's (cookie tossing).
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The cookie's name for an issuer that is https (`secure`) or not. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export interface SessionCookie {
  sessionId: string;
  secret: string;
}

const VALUE = /^([A-Za-z0-9][A-Za-z0-9_-]{21})\.([A-Za-z0-9_-]{43})$/;
/** Longer Cookie headers are not read at all: ours is 66 characters plus the name. */
const MAX_COOKIE_HEADER = 8192;

/**
 * The first well-formed session cookie value of the request's Cookie header, or null; on an https
 * issuer only the `__Host-` one counts. A malformed value reads as no cookie: it can only be a
 * stale or forged one, and the worst it can do is get a new session started.
 */
export function readSessionCookie(request: Pick<FastifyRequest, 'headers'>, secure = false): SessionCookie | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return null;
  const name = sessionCookieName(secure);
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const match = VALUE.exec(pair.slice(eq + 1).trim());
    if (match) return { sessionId: match[1]!, secret: match[2]! };
  }
  return null;
}

/**
 * HttpOnly (no script reads it), SameSite=Lax (sent on the top-level GET to /authorize that
 * a relying party starts, never on a cross-site POST), Path=/, Secure and `__Host-` whenever the
 * issuer is https. No Max-Age: the cookie lives as long as the browser session; the server-side session
 * ends only by logout or a change of identity.
 */
export function setSessionCookie(reply: FastifyReply, cookie: SessionCookie, secure: boolean): void {
  reply.header('set-cookie', `${sessionCookieName(secure)}=${cookie.sessionId}.${cookie.secret}; ${attributes(secure)}`);
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${sessionCookieName(secure)}=; Max-Age=0; ${attributes(secure)}`);
}

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
