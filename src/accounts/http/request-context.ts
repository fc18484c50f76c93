import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { CallerContext } from '../../policy/caller-context.js';
import type { SignInAttempt } from '../sign-in/sign-in-outcome.js';

const MAX_USER_AGENT = 512;

/**
 * Who is at the other end of a sign-in request, for rate limits and records (CallerContext: the
 * address TrustedProxies reads, the request's id as correlation id).
 */
@Injectable()
export class RequestContext {
  constructor(private readonly caller: CallerContext) {}

  ip(request: FastifyRequest): string {
    return this.caller.ip(request);
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

  command(request: FastifyRequest, actor: string, correlationId: string = String(request.id)): CommandContext {
    return { ...this.caller.command(request, actor), correlationId };
  }
}
