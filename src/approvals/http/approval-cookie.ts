import type { FastifyReply, FastifyRequest } from 'fastify';
import { CODE_ALPHABET, CODE_LENGTH } from '../domain/approval-code.js';

/** The waiting browser's cookie: `<code>.<secret>`, for the /login/approve pages only. */
export const APPROVAL_COOKIE = 'meshid_approval';
export const APPROVAL_COOKIE_PATH = '/login/approve';

export interface ApprovalCookie {
  /** The canonical short code: the browser shows it anyway, and it names the approval. */
  code: string;
  /** Proves this is the browser that asked; ApprovalRequested holds only its HMAC. */
  secret: string;
}

const VALUE = new RegExp(`^([${CODE_ALPHABET}]{${CODE_LENGTH}})\\.([A-Za-z0-9_-]{43})$`);
const MAX_COOKIE_HEADER = 8192;

/** The first well-formed approval cookie of the request, or null (a malformed one reads as none). */
export function readApprovalCookie(request: Pick<FastifyRequest, 'headers'>): ApprovalCookie | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== APPROVAL_COOKIE) continue;
    const match = VALUE.exec(pair.slice(eq + 1).trim());
    if (match) return { code: match[1]!, secret: match[2]! };
  }
  return null;
}

/**
 * HttpOnly, SameSite=Strict (the whole exchange happens on meshid's own pages, so no other site
 * can make the browser send it), scoped to /login/approve, and gone when the approval expires.
 */
export function setApprovalCookie(reply: FastifyReply, cookie: ApprovalCookie, maxAgeSeconds: number, secure: boolean): void {
  reply.header('set-cookie', `${APPROVAL_COOKIE}=${cookie.code}.${cookie.secret}; Max-Age=${maxAgeSeconds}; ${attributes(secure)}`);
}

export function clearApprovalCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${APPROVAL_COOKIE}=; Max-Age=0; ${attributes(secure)}`);
}

function attributes(secure: boolean): string {
  return `Path=${APPROVAL_COOKIE_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
