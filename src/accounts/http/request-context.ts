import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { TrustedProxies } from '../../policy/trusted-proxies.js';
import type { SignInAttempt } from '../sign-in/sign-in-outcome.js';


const MAX_USER_AGENT = 512;

/**
 * Who is at the other end of a request, for rate limits and records: the client address as
 * TrustedProxies reads it (behind a trusted proxy, the X-Forwarded-For hop it appended, so that
 * everyone is not rate-limited as the proxy's one address).
 */
@Injectable()
export class RequestContext {
  constructor(private readonly proxies: TrustedProxies) {}

  ip(request: FastifyRequest): string {
    return this.proxies.callerIp(request);
  }

  attempt(request: FastifyRequest, correlationId: string, clientId?: string): SignInAttempt {
    const agent = request.headers['user-agent'];
    return {
      ip: this.ip(request),
      correlationId,
      ...(typeof agent === 'string' && agent !== '' ? { userAgent: agent.slice(0, MAX_USER_AGENT) } : {}),
      ...(clientId !== undefined ? { clientId } : {}),
    };
  }

  command(request: FastifyRequest, actor: string, correlationId: string = randomUUID()): CommandContext {
    return { actor, correlationId, ip: this.ip(request) };
  }
}
