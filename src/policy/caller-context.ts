import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../common/event-sourcing/aggregate-stream.js';
import { TrustedProxies } from './trusted-proxies.js';

/**
 * The metadata of the events an HTTP request causes, the same from every module: who acts, the
 * request's id as correlation id (the reqId of its log line and the X-Request-Id it was answered
 * with, so that an event leads to its request and back), and the caller's address as
 * TrustedProxies reads it (behind `tailscale serve`, the browser's, not the proxy's loopback).
 */
@Injectable()
export class CallerContext {
  constructor(private readonly proxies: TrustedProxies) {}

  ip(request: FastifyRequest): string {
    return this.proxies.callerIp(request);
  }

  command(request: FastifyRequest, actor: string): CommandContext {
    return { actor, correlationId: String(request.id), ip: this.ip(request) };
  }
}
