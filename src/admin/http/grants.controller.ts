import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { GrantView, Page, RevokedGrants } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { givenFields } from './given-fields.js';
import { adminValidation } from './admin-validation.pipe.js';
import { RevokeAllGrantsDto } from './dto/grants.dto.js';
import { GrantListQueryDto } from './dto/queries.dto.js';

/** `/api/v1/grants`: what people granted to clients, and revoking it with every token issued under it. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller('api/v1/grants')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminGrantsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'List grants, newest first, by subject and/or client' })
  list(@Query() query: GrantListQueryDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<Page<GrantView>> {
    return adminApiOf(this.admin, caller, request).listGrants(givenFields(query));
  }

  @Post('revoke-all')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke every active grant of a subject (sign them out of every client)" })
  revokeAll(@Body() body: RevokeAllGrantsDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<RevokedGrants> {
    return adminApiOf(this.admin, caller, request).revokeSubjectGrants(body.subject);
  }

  @Post(':grantId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke one grant: its refresh token and every access token issued under it stop working' })
  revoke(@Param('grantId') grantId: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<GrantView> {
    return adminApiOf(this.admin, caller, request).revokeGrant(grantId);
  }
}
