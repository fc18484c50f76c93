import type { IncomingMessage } from 'node:http';

/**
 * The route a request matched, as its pattern (`/api/v1/clients/:id`), never the URL as sent:
 * query strings carry codes, tokens and state, and path parameters may carry secrets too (setup
 * and approval links). A request no route matched is `unmatched`, whatever its path.
 */
export const UNMATCHED_ROUTE = 'unmatched';

export function routeOf(request: { routeOptions?: { url?: string } }): string {
  return request.routeOptions?.url ?? UNMATCHED_ROUTE;
}

/**
 * What a log line may say about a request (pino's `req` serializer, used by Fastify's own error
 * lines): method, matched route, request id. No URL, headers (Authorization, Cookie) or body.
 */
export function requestForLog(request: unknown): { method?: string; route: string; reqId?: string } {
  const value = request as { method?: string; id?: string; routeOptions?: { url?: string }; raw?: IncomingMessage } | null;
  if (value === null || typeof value !== 'object') return { route: UNMATCHED_ROUTE };
  return {
    ...(typeof value.method === 'string' ? { method: value.method } : {}),
    route: routeOf(value),
    ...(typeof value.id === 'string' ? { reqId: value.id } : {}),
  };
}

/** The `res` serializer: the status only (never the headers: Set-Cookie). */
export function responseForLog(reply: unknown): { status?: number } {
  const value = reply as { statusCode?: number } | null;
  return typeof value?.statusCode === 'number' ? { status: value.statusCode } : {};
}

/**
 * Belt and braces for whatever else logs a request or its headers: these paths are censored by
 * pino wherever they appear at the top of a line.
 */
export const REDACTED_PATHS: readonly string[] = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.url',
  'req.query',
  'req.body',
  'res.headers["set-cookie"]',
  'body',
  'query',
];
