/**
 * One `tailscale.com/cap/tsidp` rule (reference/tsidp.md §4) once validated. Rules arrive as raw
 * JSON from whois CapMap, a proxy header, the dev identity or the local grants file, and are never
 * used before passing through `parseCapRules`.
 */
export interface CapRule {
  allowAdminUi: boolean;
  allowDcr: boolean;
  /** STS / RFC 8707 user match: `*` or exact login names. */
  users: string[];
  /** Audiences / resources the users of this same rule may ask for: `*` or exact strings. */
  resources: string[];
  extraClaims: Record<string, unknown>;
  /** Whether this rule's extraClaims also go to /userinfo (the ID token always gets them). */
  includeInUserInfo: boolean;
  /** Where the rule came from, e.g. `capability rule 2 from whois CapMap`; warnings name it. */
  origin: string;
}

type FieldKind = 'boolean' | 'strings' | 'object';
type FieldProperty = Exclude<keyof CapRule, 'origin'>;

/** The JSON names of tsidp's capRule struct, the Go tags that encoding/json matches keys against. */
const FIELDS: readonly { tag: string; property: FieldProperty; kind: FieldKind }[] = [
  { tag: 'allow_admin_ui', property: 'allowAdminUi', kind: 'boolean' },
  { tag: 'allow_dcr', property: 'allowDcr', kind: 'boolean' },
  { tag: 'users', property: 'users', kind: 'strings' },
  { tag: 'resources', property: 'resources', kind: 'strings' },
  { tag: 'extraClaims', property: 'extraClaims', kind: 'object' },
  { tag: 'includeInUserInfo', property: 'includeInUserInfo', kind: 'boolean' },
];

const EXPECTED: Record<FieldKind, string> = {
  boolean: 'a boolean',
  strings: 'an array of strings',
  object: 'an object',
};

/**
 * A key folded the way Go's encoding/json folds field names (ASCII letters by case, other
 * characters by simple Unicode case mapping), so that a key matches a tag exactly when Go would
 * match it: `ALLOW_ADMIN_UI` and `extraclaims` do, `allowadminui` does not, and the Kelvin sign
 * folds to `k` as in Go.
 */
export function foldKey(key: string): string {
  let folded = '';
  for (const character of key) {
    if (character <= '\x7f') {
      folded += character.toUpperCase();
      continue;
    }
    const mapped = character.toLowerCase().toUpperCase();
    folded += [...mapped].length === 1 ? mapped : character;
  }
  return folded;
}

const FIELD_BY_FOLDED_TAG = new Map(FIELDS.map((field) => [foldKey(field.tag), field]));

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates raw tsidp rules. Unlike tsidp, where one type error makes the whole capability
 * unusable, a malformed rule is dropped with a warning naming it and the others still apply.
 * Go's decoding is followed otherwise: unknown keys are ignored, keys are processed in order so a
 * later key folding to the same field wins (a later `extraClaims` object adds to an earlier one,
 * as Go decodes into the existing map), and `null` leaves a boolean unchanged and empties a list.
 */
export function parseCapRules(values: readonly unknown[], where: string, warn: (message: string) => void): CapRule[] {
  const rules: CapRule[] = [];
  values.forEach((value, index) => {
    const origin = `capability rule ${index + 1} from ${where}`;
    const parsed = parseCapRule(value, origin);
    if (typeof parsed === 'string') warn(`${origin}: ${parsed}; rule ignored`);
    else rules.push(parsed);
  });
  return rules;
}

/** The rule, or why it is unusable. */
function parseCapRule(value: unknown, origin: string): CapRule | string {
  if (!isJsonObject(value)) return `must be a JSON object, not ${describeJson(value)}`;
  const rule: CapRule = {
    allowAdminUi: false,
    allowDcr: false,
    users: [],
    resources: [],
    extraClaims: {},
    includeInUserInfo: false,
    origin,
  };
  for (const [key, field] of Object.entries(value)) {
    const spec = FIELD_BY_FOLDED_TAG.get(foldKey(key));
    if (spec === undefined) continue;
    if (field === null) {
      if (spec.kind === 'strings') rule[spec.property as 'users' | 'resources'] = [];
      if (spec.kind === 'object') rule.extraClaims = {};
      continue;
    }
    const wrong = `${JSON.stringify(key)} must be ${EXPECTED[spec.kind]}`;
    switch (spec.kind) {
      case 'boolean':
        if (typeof field !== 'boolean') return wrong;
        rule[spec.property as 'allowAdminUi' | 'allowDcr' | 'includeInUserInfo'] = field;
        break;
      case 'strings': {
        if (!Array.isArray(field) || !field.every((item) => item === null || typeof item === 'string')) return wrong;
        // Go decodes a null item as "", which can match nothing useful; it is left out.
        rule[spec.property as 'users' | 'resources'] = field.filter((item): item is string => item !== null);
        break;
      }
      case 'object':
        if (!isJsonObject(field)) return wrong;
        rule.extraClaims = { ...rule.extraClaims, ...field };
        break;
    }
  }
  return rule;
}

/** A short description of a JSON value's type for messages: `an array`, `a string`, `null`. */
export function describeJson(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a non-finite number';
  return `a ${typeof value}`;
}
