import { Body, Controller, HttpCode, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ForgottenSubject } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { adminValidation } from './admin-validation.pipe.js';
import { ForgetSubjectDto } from './dto/subjects.dto.js';

/** `/api/v1/subjects`: what is done to a person as a whole. */
@ApiTags('subjects')
@ApiBearerAuth()
@Controller('api/v1/subjects')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminSubjectsController {
  constructor(private readonly admin: AdminService) {}

  @Post('forget')
  @HttpCode(200)
  @ApiOperation({ summary: "Forget a subject: revoke their grants and crypto-shred their personal data in the log (irreversible)" })
  forget(@Body() body: ForgetSubjectDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<ForgottenSubject> {
    return adminApiOf(this.admin, caller, request).forgetSubject(body.subject);
  }
}
