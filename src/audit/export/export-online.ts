import { AdminApiError } from '../../admin/api/admin-api.js';
import type { OnlineTarget } from '../../admin/cli/admin-session.js';
import { joinUrl } from '../../admin/cli/admin-token.js';
import { errorFromResponse, type Fetch, REQUEST_TIMEOUT_MS } from '../../admin/cli/http-transport.js';
import type { RawExportQuery } from './export-filter.js';

/** The endpoint's path under the base URL. */
export const EXPORT_PATH = '/api/v1/audit/events';

/**
 * Asks a running meshid for the export and returns its body as it arrives. Unlike the other
 * admin calls, only the wait for the answer's head is timed: the body of a large export may
 * rightly take longer than any timeout. A refusal is the server's own error (invalid_request
 * naming the field, unauthorized...), as for every admin call over HTTP.
 */
export async function fetchExport(target: OnlineTarget, query: RawExportQuery, fetchImpl: Fetch = fetch): Promise<AsyncIterable<Uint8Array>> {
  const url = joinUrl(target.url, EXPORT_PATH);
  for (const [name, value] of Object.entries(query)) {
    for (const item of typeof value === 'string' ? [value] : (value ?? [])) url.searchParams.append(name, item);
  }
  const shownUrl = target.url.href.replace(/\/+$/, '');
  const headers = { accept: '*/*', authorization: `Bearer ${await target.token()}` };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, redirect: 'manual', signal: controller.signal });
  } catch (error) {
    const reason = controller.signal.aborted ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : String((error as Error).cause ?? (error as Error).message);
    throw new AdminApiError('temporarily_unavailable', `cannot reach ${shownUrl}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || response.body === null) throw await errorFromResponse(response, shownUrl);
  return response.body as unknown as AsyncIterable<Uint8Array>;
}
