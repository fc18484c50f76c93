import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';

@ApiTags('session')
@ApiBearerAuth()
@Controller('api/v1/whoami')
@UseGuards(AdminGuard)
export class AdminWhoamiController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'Who the API takes the caller for, as recorded in the events it causes' })
  whoami(@Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<Principal> {
    return adminApiOf(this.admin, caller, request).whoami();
  }
}
