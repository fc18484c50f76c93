import { ADMIN_ERROR_STATUS, AdminApiError, type AdminErrorCode, type FieldProblem } from '../api/admin-api.js';

/*
 * The fetch plumbing HttpAdminApi and the token request share: a time limit, no redirects
 * followed, and every failure turned into an AdminApiError whose message never holds what was
 * sent (a token or a secret), only the URL and what the server or the network said.
 */

export type Fetch = typeof fetch;

/** How long one request may take, connection included, before the server counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 30_000;

const KNOWN_CODES = new Set(Object.keys(ADMIN_ERROR_STATUS));

/** The admin error an HTTP status means, for answers whose body names no admin error code. */
export function codeForStatus(status: number): AdminErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not_found';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition_failed';
    case 428:
      return 'precondition_required';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'temporarily_unavailable';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request';
  }
}

/** Sends one request; a network failure or timeout is `temporarily_unavailable` naming the URL. */
export async function send(fetchImpl: Fetch, url: URL, init: RequestInit, shownUrl: string): Promise<Response> {
  try {
    // A redirect is refused rather than followed: a POST would be replayed elsewhere, and the
    // operator should point --url at the final address instead.
    return await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new AdminApiError('temporarily_unavailable', `cannot reach ${shownUrl}: ${networkReason(error)}`);
  }
}

function networkReason(error: unknown): string {
  // Duck-typed rather than instanceof: fetch's errors may come from another realm (a test's VM context).
  const failure = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // undici reports "fetch failed" and keeps the real reason (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = (typeof failure.cause === 'object' && failure.cause !== null ? failure.cause : {}) as { code?: unknown; message?: unknown };
  const causeMessage = typeof cause.message === 'string' && cause.message !== '' ? cause.message : undefined;
  if (typeof cause.code === 'string') return causeMessage && !causeMessage.includes(cause.code) ? `${cause.code} (${causeMessage})` : (causeMessage ?? cause.code);
  return causeMessage ?? (typeof failure.message === 'string' ? failure.message : String(error));
}

/** Reads a JSON answer; a body that is not JSON is an error naming the status, not a parse trace. */
export async function readJson(response: Response, shownUrl: string): Promise<unknown> {
  const body = await response.text();
  try {
    return JSON.parse(body);
  } catch {
    throw new AdminApiError(
      response.ok ? 'server_error' : codeForStatus(response.status),
      `${shownUrl} answered HTTP ${response.status} without JSON: is it a meshid instance?`,
    );
  }
}

/**
 * The AdminApiError a non-2xx answer means: its own `{error, error_description, fields}` when it
 * names an admin error code, else the status decides (an RFC 6750 `invalid_token`, for instance,
 * is a 401 and so `unauthorized`).
 */
export async function errorFromResponse(response: Response, shownUrl: string): Promise<AdminApiError> {
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    return new AdminApiError(
      'invalid_request',
      `${shownUrl} redirects (HTTP ${response.status})${location ? ` to ${location}` : ''}: pass the final address as --url`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const code = codeForStatus(response.status);
  if (!isErrorBody(body)) {
    const challenge = challengeDescription(response.headers.get('www-authenticate'));
    const detail = challenge ?? (text === '' ? 'an empty body' : 'a body that is not JSON');
    return new AdminApiError(code, `${shownUrl} answered HTTP ${response.status}${challenge ? `: ${detail}` : ` with ${detail}`}`);
  }
  const known = KNOWN_CODES.has(body.error) ? (body.error as AdminErrorCode) : code;
  const description = typeof body.error_description === 'string' && body.error_description !== '' ? body.error_description : body.error;
  return new AdminApiError(known, description, fieldProblems(body.fields));
}

function isErrorBody(body: unknown): body is { error: string; error_description?: unknown; fields?: unknown } {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
}

function fieldProblems(fields: unknown): FieldProblem[] {
  if (!Array.isArray(fields)) return [];
  return fields
    .filter((item): item is { field: unknown; message: unknown } => typeof item === 'object' && item !== null)
    .map((item) => ({ field: String(item.field), message: String(item.message) }));
}

/** The error_description (or error) of a Bearer challenge, for 401s answered without a body. */
function challengeDescription(header: string | null): string | undefined {
  if (!header) return undefined;
  const description = /error_description="([^"]*)"/.exec(header)?.[1];
  return description || /error="([^"]*)"/.exec(header)?.[1];
}
