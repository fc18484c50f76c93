/**
 * Freezes a value and everything in it. Identities that resolvers hand out to every request
 * (the dev identity, cached whois answers) are frozen, so no caller can edit another's.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
