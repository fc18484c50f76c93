import { readAbsoluteUrl } from '../../common/absolute-url.js';

/**
 * Resource indicators (RFC 8707): the protected resources a client asks an access token for, at
 * /authorize and /token. They bind the access token's audience; the ID token never carries them.
 */

/** More than this many in one request is refused: each costs a policy check and a token claim. */
export const MAX_RESOURCES = 10;

/** Why `value` cannot be a resource indicator, or null if it can (RFC 8707 §2). */
export function resourceIndicatorProblem(value: string): string | null {
  const read = readAbsoluteUrl(value);
  return read.ok ? null : read.problem;
}

export type ResourceIndicators = { ok: true; resources: string[] } | { ok: false; description: string };

/** The distinct resource indicators of a request, in request order, or why they are refused (`invalid_target`). */
export function readResourceIndicators(values: readonly string[]): ResourceIndicators {
  const resources = [...new Set(values)];
  if (resources.length > MAX_RESOURCES) return { ok: false, description: `at most ${MAX_RESOURCES} resource parameters are accepted` };
  for (const resource of resources) {
    const problem = resourceIndicatorProblem(resource);
    if (problem !== null) return { ok: false, description: `resource ${JSON.stringify(resource.slice(0, 200))} ${problem}` };
  }
  return { ok: true, resources };
}

/**
 * The resources a token request narrows to: those it names, each of which must be among the
 * `granted` ones (a request may narrow, never widen), or all of `granted` when it names none.
 * Null when it names one not granted.
 */
export function narrowResources(granted: readonly string[], requested: readonly string[]): string[] | null {
  if (requested.length === 0) return [...granted];
  return requested.every((resource) => granted.includes(resource)) ? [...requested] : null;
}
