import { InvalidAccountInputError } from './account.errors.js';

export const MAX_NAME_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_GROUPS = 100;
export const MAX_GROUP_LENGTH = 100;

/** A display name: 1-200 characters, not blank, no control characters. Returned trimmed. */
export function validName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new InvalidAccountInputError('name', 'is required');
  const name = value.trim();
  if ([...name].length > MAX_NAME_LENGTH) throw new InvalidAccountInputError('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  if (/\p{Cc}/u.test(name)) throw new InvalidAccountInputError('name', 'must not contain control characters');
  return name;
}

/**
 * An email address or null: `local@domain`, no spaces or control characters, at most 254
 * characters (what Headscale's RFC 5322 parse and Tailscale's `acct:` comparison accept).
 */
export function validEmail(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new InvalidAccountInputError('email', 'must be a string');
  const email = value.trim();
  if (email.length > MAX_EMAIL_LENGTH || !/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(email)) {
    throw new InvalidAccountInputError('email', 'must be an address like name@example.com');
  }
  return email;
}

/** Groups: at most 100 distinct names of 1-100 characters, no control characters; order kept. */
export function validGroups(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidAccountInputError('groups', 'must be a list of names');
  if (value.length > MAX_GROUPS) throw new InvalidAccountInputError('groups', `at most ${MAX_GROUPS} groups`);
  const groups: string[] = [];
  for (const group of value) {
    if (typeof group !== 'string' || group.trim().length === 0 || [...group].length > MAX_GROUP_LENGTH || /\p{Cc}/u.test(group)) {
      throw new InvalidAccountInputError('groups', `each group is a name of 1-${MAX_GROUP_LENGTH} characters`);
    }
    if (!groups.includes(group.trim())) groups.push(group.trim());
  }
  return groups;
}

export function validFlag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidAccountInputError(field, 'must be true or false');
  return value;
}
