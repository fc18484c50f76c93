import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { type FieldProblem, HttpProblem } from './http-problem.js';
import { StorageHealth } from '../../storage/storage-health.js';
import { asTemporarilyUnavailable, OAuthError, type OAuthErrorCode, TemporarilyUnavailableError } from './oauth-error.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * The one renderer of errors for every route: `{error, error_description}` JSON with `no-store`,
 * whether the error is an `OAuthError` from a controller or arises before any controller runs
 * (a body that does not parse, an unsupported media type, a body over the limit, a forbidden
 * `__proto__` key, an unknown route). A known path asked with another method is 405 with `Allow`.
 * Storage that cannot be used (read-only, full, corrupt, store gone: see `asTemporarilyUnavailable`)
 * is a 503 `temporarily_unavailable` with `Retry-After`, reported to the storage health (which logs
 * the fault once, not once per request). Anything else unexpected is a logged 500 `server_error`
 * that says nothing about its cause.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly health?: StorageHealth,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, error, description, headers, fields } = this.describe(exception, request);
    reply
      .status(status)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json', ...headers })
      .send({ error, error_description: description, ...(fields.length > 0 ? { fields } : {}) });
  }

  private describe(exception: unknown, request: FastifyRequest): { status: number; error: string; description: string; headers: Readonly<Record<string, string>>; fields: readonly FieldProblem[] } {
    if (exception instanceof HttpProblem) {
      return { status: exception.status, error: exception.code, description: exception.description, headers: exception.headers, fields: exception.fields };
    }
    return { fields: [], ...this.describeOther(exception, request) };
  }

  private describeOther(exception: unknown, request: FastifyRequest) {
    const unavailable = exception instanceof OAuthError && !(exception instanceof TemporarilyUnavailableError) ? null : asTemporarilyUnavailable(exception);
    if (unavailable !== null) {
      this.health?.report(unavailable.cause);
      return { status: unavailable.status, error: unavailable.error, description: unavailable.description, headers: unavailable.headers };
    }
    if (exception instanceof OAuthError) {
      return { status: exception.status, error: exception.error, description: exception.description, headers: exception.headers };
    }
    const status = statusOf(exception);
    if (status === 404) {
      const allowed = this.methodsFor(request);
      if (allowed.length > 0) {
        return { status: 405, error: 'invalid_request' as const, description: `${request.method} is not allowed here`, headers: { allow: allowed.join(', ') } };
      }
      return { status, error: 'not_found' as const, description: `no such endpoint: ${request.method} ${pathOf(request)}`, headers: {} };
    }
    if (status >= 500) {
      this.logger.error(`${request.method} ${pathOf(request)} failed`, (exception as Error)?.stack ?? String(exception));
      return { status: 500, error: 'server_error' as const, description: 'the server could not complete the request', headers: {} };
    }
    const error: OAuthErrorCode = status === 401 ? 'invalid_client' : status === 429 ? 'temporarily_unavailable' : 'invalid_request';
    return { status, error, description: messageOf(exception), headers: {} };
  }

  private methodsFor(request: FastifyRequest): string[] {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const url = pathOf(request);
    return METHODS.filter((method) => method !== request.method && hasRoute(fastify, method, url));
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function messageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
  return (exception as Error)?.message ?? 'bad request';
}

/**
 * hasRoute reads `url` as a route pattern: a requested path with `*` before its end (`/ui/*x`)
 * makes find-my-way throw "Wildcard must be the last character". Such a path names no route.
 */
function hasRoute(fastify: FastifyInstance, method: HTTPMethods, url: string): boolean {
  try {
    return fastify.hasRoute({ method, url });
  } catch {
    return false;
  }
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
