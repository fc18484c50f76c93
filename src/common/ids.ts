import { randomBytes } from 'node:crypto';

/**
 * `bytes` random bytes as base64url that starts with a letter or digit. An id starting with `-`
 * reads as an option on a command line (`meshid clients show -ze7F...`), so such draws are
 * discarded; what remains is still uniformly random over the ids allowed.
 */
export function randomId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** A grant's id: random, URL- and stream-name-safe (`grant-<id>`), 22 characters. */
export function newGrantId(): string {
  return randomId(16);
}
