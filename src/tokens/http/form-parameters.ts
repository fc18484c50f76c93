import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../../common/http/oauth-error.js';

/** Parameters that RFC 8707 and RFC 8693 allow to repeat; every other one may appear once. */
const REPEATABLE = new Set(['resource', 'audience']);

/** A form body: single parameters as strings, repeatable ones as lists. */
export interface FormParameters {
  get(name: string): string | undefined;
  all(name: string): string[];
}

/**
 * The `application/x-www-form-urlencoded` body of an OAuth request (body parameters only: the
 * query string is never read). A parameter sent twice is `invalid_request` (RFC 6749 §3.1/§3.2),
 * except the repeatable ones; an empty value counts as absent (RFC 6749 §3.1).
 */
export function formParameters(request: FastifyRequest): FormParameters {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
  const body = (request.body ?? {}) as Record<string, string | string[] | undefined>;
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(body)) {
    const list = (Array.isArray(value) ? value : [value ?? '']).filter((item) => item !== '');
    if (list.length > 1 && !REPEATABLE.has(name)) throw new OAuthError('invalid_request', `the parameter ${name} was sent more than once`);
    values.set(name, list);
  }
  return {
    get: (name) => values.get(name)?.[0],
    all: (name) => values.get(name) ?? [],
  };
}

/** Headers every answer of the token, introspection and revocation endpoints carries (RFC 6749 §5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
