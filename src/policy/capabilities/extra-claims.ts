import { type CapRule, describeJson } from './cap-rule.js';

/**
 * Claims a grant's `extraClaims` can never set. tsidp's list (its claims_supported) plus the
 * claims meshid sets itself or that carry security meaning to a relying party. tsidp fails the
 * whole login on a collision; meshid drops the key with a warning and the login still works.
 * `name`, `preferred_username`, `picture` and `groups` are deliberately absent: grants may
 * override them, as tsidp allows (Synology setups rely on `preferred_username`).
 */
export const PROTECTED_CLAIMS: ReadonlySet<string> = new Set([
  // tsidp
  'sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'username', 'email', 'key', 'addresses',
  'nid', 'node', 'tailnet', 'tags', 'user', 'uid',
  // meshid
  'auth_time', 'nonce', 'at_hash', 'c_hash', 'sid', 'azp', 'acr', 'amr', 'act', 'cnf',
  'client_id', 'scope', 'gid', 'email_verified', 'typ',
]);

type Scalar = string | number | boolean;

/** What the rules said about one claim so far. */
interface ClaimValues {
  /** The first scalar seen, kept with its type in case no rule gives an array. */
  firstScalar?: Scalar;
  sawArray: boolean;
  /** Every value seen, stringified, de-duplicated, in first-seen order. */
  strings: Set<string>;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Merges the extraClaims of several rules (tsidp.md §3.2), deterministically: for a scalar the
 * first rule wins and keeps its type; arrays are stringified, de-duplicated and unioned across
 * rules in first-seen order (tsidp's order is random); a key given both as a scalar and as an
 * array becomes the union of everything seen. Objects, null, non-finite numbers and protected
 * keys are dropped with a warning.
 */
export function mergeExtraClaims(rules: readonly CapRule[], warn: (message: string) => void): Record<string, unknown> {
  const claims = new Map<string, ClaimValues>();
  const valuesOf = (key: string): ClaimValues => {
    let values = claims.get(key);
    if (values === undefined) {
      values = { sawArray: false, strings: new Set() };
      claims.set(key, values);
    }
    return values;
  };
  for (const rule of rules) {
    for (const [key, value] of Object.entries(rule.extraClaims)) {
      const where = `${rule.origin}: extraClaims.${JSON.stringify(key)}`;
      if (PROTECTED_CLAIMS.has(key)) {
        warn(`${where} is a protected claim that grants cannot set; claim ignored`);
        continue;
      }
      if (isScalar(value)) {
        const values = valuesOf(key);
        values.firstScalar ??= value;
        values.strings.add(String(value));
      } else if (Array.isArray(value)) {
        const values = valuesOf(key);
        values.sawArray = true;
        value.forEach((item, index) => {
          if (isScalar(item)) values.strings.add(String(item));
          else warn(`${where}[${index}] is ${describeJson(item)}; array items must be strings, numbers or booleans; item ignored`);
        });
      } else {
        warn(`${where} is ${describeJson(value)}; claims must be strings, numbers, booleans or arrays of them; claim ignored`);
      }
    }
  }
  const merged: Record<string, unknown> = {};
  for (const [key, values] of claims) {
    const value = values.sawArray ? [...values.strings] : values.firstScalar;
    // defineProperty, not assignment: a claim named __proto__ must stay a claim.
    Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/** The extra claims for /userinfo: the merge over only the rules with `includeInUserInfo`. */
export function extraClaimsForUserinfo(rules: readonly CapRule[], warn: (message: string) => void): Record<string, unknown> {
  return mergeExtraClaims(
    rules.filter((rule) => rule.includeInUserInfo),
    warn,
  );
}
