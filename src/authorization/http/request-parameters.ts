/**
 * Front-channel parameters (query string or form body), each a single string. Fastify's
 * parsers turn a repeated name into an array; RFC 6749 §3.1 forbids repeating a parameter, so
 * those names are collected in `repeated` for the endpoint to refuse. An empty value counts as
 * absent (RFC 6749 §3.1: "parameters sent without a value MUST be treated as if they were
 * omitted").
 */
export interface RequestParameters {
  get(name: string): string | undefined;
  /** Names given more than once. */
  readonly repeated: ReadonlySet<string>;
}

export function readParameters(source: unknown): RequestParameters {
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      if (Array.isArray(value)) repeated.add(name);
      else if (typeof value === 'string' && value !== '') values.set(name, value);
    }
  }
  return { get: (name) => (repeated.has(name) ? undefined : values.get(name)), repeated };
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
