import type { FastifyRequest } from 'fastify';
import type { AdminApi } from '../api/admin-api.js';
import type { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';

/** The admin actions of this request's caller, recorded under its request id and address. */
export function adminApiOf(service: AdminService, caller: AdminCaller, request: FastifyRequest): AdminApi {
  return service.forActor(caller.principal, { correlationId: String(request.id), ip: caller.ip });
}
