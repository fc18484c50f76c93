import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { KeyView } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { givenFields } from './given-fields.js';
import { adminValidation } from './admin-validation.pipe.js';
import { RetireKeyDto, RotateKeysDto } from './dto/keys.dto.js';

/** `/api/v1/keys`: the signing keys, their state, rotation and retirement. Never key material. */
@ApiTags('keys')
@ApiBearerAuth()
@Controller('api/v1/keys')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminKeysController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every signing key with its state (published, active, retired) and whether it is in JWKS' })
  list(@Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<{ items: KeyView[] }> {
    return adminApiOf(this.admin, caller, request).listKeys();
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate now: new keys are published at once and sign after the pre-publication delay (or at once with immediate)' })
  rotate(@Body() body: RotateKeysDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<{ items: KeyView[] }> {
    return adminApiOf(this.admin, caller, request).rotateKeys(givenFields(body));
  }

  @Post(':kid/retire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retire a key now; an active key hands over to a successor at once; unpublish_now ends every token it signed' })
  retire(@Param('kid') kid: string, @Body() body: RetireKeyDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<{ items: KeyView[] }> {
    return adminApiOf(this.admin, caller, request).retireKey(kid, givenFields(body));
  }
}
