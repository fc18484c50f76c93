import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AdminCaller, AdminAccess } from './admin-access.js';

const CALLER = Symbol('meshid admin caller');
type WithCaller = FastifyRequest & { [CALLER]?: AdminCaller };

/**
 * Lets a request reach an admin handler only once AdminAccess authorized its caller, and makes
 * every admin answer `no-store`: they hold secrets and security state.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly access: AdminAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<WithCaller>();
    http.getResponse<FastifyReply>().header('cache-control', 'no-store').header('pragma', 'no-cache');
    request[CALLER] = await this.access.authorize(request);
    return true;
  }
}

/** The authorized caller of an admin handler (AdminGuard has run). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AdminCaller => {
  const caller = context.switchToHttp().getRequest<WithCaller>()[CALLER];
  if (caller === undefined) throw new Error('admin handler reached without AdminGuard');
  return caller;
});
