// The admin API over fetch: same-origin cookies, JSON both ways, and the page's CSRF token on
// every call that changes something (the server refuses those without it).

const API_BASE = '/api/v1';

/** The per-user token the server wrote into the page it served. */
function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

/** A refused or failed call, with what the server said: `{error, error_description, fields?}`. */
export class ApiError extends Error {
  constructor(status, body) {
    const description = typeof body?.error_description === 'string' && body.error_description !== '' ? body.error_description : null;
    super(description ?? defaultMessage(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof body?.error === 'string' ? body.error : null;
    this.fields = Array.isArray(body?.fields) ? body.fields.filter((f) => f && typeof f.field === 'string') : [];
  }
}

function defaultMessage(status) {
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found: it may have been deleted.';
  if (status >= 500) return `The server failed (HTTP ${status}). Try again later.`;
  return `The request failed (HTTP ${status}).`;
}

/**
 * Calls `method path` and resolves to `{status, body, headers}`, or rejects with ApiError.
 * `body` is sent as JSON on every non-GET call (`{}` when there is nothing to send).
 */
export async function call(method, path, { body, headers = {}, query } = {}) {
  const url = new URL(API_BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = csrfToken();
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, null);
  }
  let parsed = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}

/** The revision in an `ETag: "<revision>"` header (weak or strong), or null. */
export function revisionFromEtag(headers) {
  const match = /^(?:W\/)?"(\d+)"$/.exec(headers.get('ETag') ?? '');
  return match ? Number(match[1]) : null;
}

const id = (value) => encodeURIComponent(value);

export const api = {
  whoami: () => call('GET', '/whoami').then((r) => r.body),
  listClients: (query) => call('GET', '/clients', { query }).then((r) => r.body),
  createClient: (input) => call('POST', '/clients', { body: input }).then((r) => r.body),
  async getClient(clientId) {
    const r = await call('GET', `/clients/${id(clientId)}`);
    return { client: r.body, revision: revisionFromEtag(r.headers) ?? r.body.revision };
  },
  updateClient: (clientId, changes, revision) =>
    call('PATCH', `/clients/${id(clientId)}`, { body: changes, headers: { 'If-Match': `"${revision}"` } }).then((r) => r.body),
  deleteClient: (clientId) => call('DELETE', `/clients/${id(clientId)}`).then(() => undefined),
  regenerateSecret: (clientId) => call('POST', `/clients/${id(clientId)}/secret`).then((r) => r.body),
  clientActivity: (clientId, limit = 20) => call('GET', `/clients/${id(clientId)}/activity`, { query: { limit } }).then((r) => r.body),
  listKeys: () => call('GET', '/keys').then((r) => r.body),
  rotateKeys: (request) => call('POST', '/keys/rotate', { body: request }).then((r) => r.body),
  retireKey: (kid, request) => call('POST', `/keys/${id(kid)}/retire`, { body: request }).then((r) => r.body),
};
