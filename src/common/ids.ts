import { randomBytes } from 'node:crypto';

/** A grant's id: random, URL- and stream-name-safe (`grant-<id>`). */
export function newGrantId(): string {
  return randomBytes(16).toString('base64url');
}
