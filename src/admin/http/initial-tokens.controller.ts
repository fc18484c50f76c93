import { Body, Controller, HttpCode, Param, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { InitialAccessTokenIssued } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { givenFields } from './given-fields.js';
import { adminValidation } from './admin-validation.pipe.js';
import { NewInitialAccessTokenDto } from './dto/initial-tokens.dto.js';

/** `/api/v1/initial-access-tokens`: the tokens that let a relying party register itself (RFC 7591 §3). */
@ApiTags('registration')
@ApiBearerAuth()
@Controller('api/v1/initial-access-tokens')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminInitialTokensController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an initial access token; the token is in this answer only' })
  create(@Body() body: NewInitialAccessTokenDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<InitialAccessTokenIssued> {
    return adminApiOf(this.admin, caller, request).createInitialAccessToken(givenFields(body));
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an initial access token: it registers no more clients (those it registered stay)' })
  revoke(@Param('tokenId') tokenId: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest) {
    return adminApiOf(this.admin, caller, request).revokeInitialAccessToken(tokenId);
  }
}
