/**
 * The grants file's content (tailnet-policy grant syntax): reading and validating one version,
 * and deciding whom a grant's `src` includes. grants-file.ts watches the file itself.
 */
import { readFileSync } from 'node:fs';
import { type CapRule, isJsonObject, parseCapRules } from './cap-rule.js';
import { parseHujson } from './hujson.js';

/** The capability a grant's `app` carries for meshid; other capabilities are ignored. */
export const TSIDP_CAPABILITY = 'tailscale.com/cap/tsidp';

/** Who the grants are evaluated for. */
export interface GrantSubject {
  login: string;
  /** The identity's own groups; `group:<name>` in `src` matches `group:<name>` or `<name>` here. */
  groups: readonly string[];
  /** A tagged (machine) identity, which `autogroup:member` does not include. */
  machine: boolean;
}

/** One usable grant: whom it includes and the valid tsidp rules it gives them. */
interface Grant {
  src: string[];
  rules: CapRule[];
}

/** One successfully read version of the file. */
export interface GrantsContent {
  grants: Grant[];
  /** `group:<name>` → lower-cased member logins. */
  groups: Map<string, Set<string>>;
}

/** A version of the file that cannot be used, and why. */
export class UnusableGrants extends Error {}

/** Reads and validates one version; throws UnusableGrants or a file system error. */
export function readGrants(path: string, warn: (message: string) => void): GrantsContent {
  const text = readFileSync(path, 'utf8');
  let document: unknown;
  try {
    document = parseHujson(text);
  } catch (error) {
    throw new UnusableGrants(`is not valid HuJSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(document) || !Array.isArray(document['grants'])) {
    throw new UnusableGrants('must be an object with a "grants" array');
  }
  const where = `grants file ${path}`;
  const fileWarn = (message: string) => warn(`${where}: ${message}`);
  const grants: Grant[] = [];
  document['grants'].forEach((grant: unknown, index: number) => {
    const parsed = parseGrant(grant, `grants[${index}]`, fileWarn);
    if (parsed !== undefined) grants.push({ src: parsed.src, rules: parseCapRules(parsed.values, `${where} grants[${index}]`, warn) });
  });
  return { grants, groups: parseGroups(document['groups'], fileWarn) };
}

/** A grant's `src` and raw tsidp rules, or undefined (with a warning) when it is malformed. */
function parseGrant(grant: unknown, name: string, warn: (message: string) => void): { src: string[]; values: unknown[] } | undefined {
  if (!isJsonObject(grant)) {
    warn(`${name} must be an object; grant ignored`);
    return undefined;
  }
  const src = grant['src'];
  if (!Array.isArray(src) || src.length === 0 || !src.every((entry) => typeof entry === 'string')) {
    warn(`${name}.src must be a non-empty array of strings; grant ignored`);
    return undefined;
  }
  const app = grant['app'];
  if (!isJsonObject(app)) {
    warn(`${name}.app must be an object of capabilities; grant ignored`);
    return undefined;
  }
  const values = app[TSIDP_CAPABILITY] ?? [];
  if (!Array.isArray(values)) {
    warn(`${name}.app[${JSON.stringify(TSIDP_CAPABILITY)}] must be an array of rules; grant ignored`);
    return undefined;
  }
  for (const entry of src as string[]) {
    if (/^(?:tag|autogroup):/.test(entry) && entry !== 'autogroup:member') {
      warn(`${name}.src ${JSON.stringify(entry)} is not supported in the grants file and matches nobody`);
    }
  }
  return { src: src as string[], values };
}

/** The `groups` map; a malformed entry is dropped with a warning. */
function parseGroups(groups: unknown, warn: (message: string) => void): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  if (groups === undefined || groups === null) return result;
  if (!isJsonObject(groups)) {
    warn('groups must be an object of "group:<name>": [logins]; groups ignored');
    return result;
  }
  for (const [name, members] of Object.entries(groups)) {
    if (!name.startsWith('group:')) {
      warn(`groups[${JSON.stringify(name)}]: group names start with "group:"; group ignored`);
    } else if (!Array.isArray(members) || !members.every((member) => typeof member === 'string')) {
      warn(`groups[${JSON.stringify(name)}] must be an array of logins; group ignored`);
    } else {
      result.set(name, new Set((members as string[]).map((member) => member.toLowerCase())));
    }
  }
  return result;
}

/** Whether one `src` entry includes the subject. */
export function srcMatches(entry: string, subject: GrantSubject, groups: Map<string, Set<string>>): boolean {
  if (entry === '*') return true;
  if (entry === 'autogroup:member') return !subject.machine;
  if (entry.startsWith('group:')) {
    const name = entry.slice('group:'.length);
    return groups.get(entry)?.has(subject.login.toLowerCase()) === true || subject.groups.includes(entry) || subject.groups.includes(name);
  }
  if (entry.startsWith('tag:') || entry.startsWith('autogroup:')) return false;
  return entry.toLowerCase() === subject.login.toLowerCase();
}
