/**
 * Front-channel parameters (query string or form body), each a single string. Fastify's
 * parsers turn a repeated name into an array; RFC 6749 §3.1 forbids repeating a parameter, so
 * those names are collected in `repeated` for the endpoint to refuse. An empty value counts as
 * absent (RFC 6749 §3.1: "parameters sent without a value MUST be treated as if they were
 * omitted").
 */
export interface RequestParameters {
  get(name: string): string | undefined;
  /** Every value of a parameter that may repeat (`resource`, RFC 8707 §2). */
  all(name: string): string[];
  /** Names given more than once that may not be. */
  readonly repeated: ReadonlySet<string>;
}

/** The front-channel parameters RFC 8707 allows to repeat. */
const REPEATABLE = new Set(['resource']);

export function readParameters(source: unknown): RequestParameters {
  const values = new Map<string, string[]>();
  const repeated = new Set<string>();
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const list = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string' && item !== '');
      if (Array.isArray(value) && !REPEATABLE.has(name)) repeated.add(name);
      else if (list.length > 0) values.set(name, list);
    }
  }
  return {
    get: (name) => (repeated.has(name) ? undefined : values.get(name)?.[0]),
    all: (name) => values.get(name) ?? [],
    repeated,
  };
}

/** `base` with `params` added to its query, keeping whatever query it already has byte for byte. */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  const added = query.toString();
  if (added === '') return base;
  if (!base.includes('?')) return `${base}?${added}`;
  return base.endsWith('?') || base.endsWith('&') ? `${base}${added}` : `${base}&${added}`;
}

/** A POST body's parameters: only form-encoded bodies count (OIDC Core §3.1.2.1); others read as empty. */
export function formBody(contentType: string | undefined, body: unknown): unknown {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded' ? body : undefined;
}
