import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActivityEntry, ClientView, ClientWithSecret, NewSecret, Page } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { adminValidation } from './admin-validation.pipe.js';
import { ClientChangesDto, NewClientDto } from './dto/client.dto.js';
import { ActivityQueryDto, ClientListQueryDto } from './dto/queries.dto.js';
import { etagOf, ifMatchRevision } from './etag.js';
import { givenFields } from './given-fields.js';

/** `/api/v1/clients`: the registered clients. A client's ETag is its stream revision. */
@ApiTags('clients')
@ApiBearerAuth()
@Controller('api/v1/clients')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminClientsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'List clients, by name, a page at a time' })
  list(@Query() query: ClientListQueryDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<Page<ClientView>> {
    return adminApiOf(this.admin, caller, request).listClients(givenFields(query));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a client; a confidential one gets its client_secret in this answer only' })
  @ApiCreatedResponse({ description: 'the client, with client_secret when it is confidential' })
  async create(@Body() body: NewClientDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClientWithSecret> {
    const created = await adminApiOf(this.admin, caller, request).createClient(givenFields(body) as NewClientDto);
    reply.header('etag', etagOf(created.revision)).header('location', `/api/v1/clients/${encodeURIComponent(created.client_id)}`);
    return created;
  }

  @Get(':clientId')
  @ApiOperation({ summary: 'Show a client (never its secret); ETag is its revision' })
  async show(@Param('clientId') clientId: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClientView> {
    const client = await adminApiOf(this.admin, caller, request).getClient(clientId);
    reply.header('etag', etagOf(client.revision));
    return client;
  }

  @Patch(':clientId')
  @ApiOperation({ summary: 'Change the fields given (lists are replaced whole); If-Match is required, a stale one is 412' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag of the client as last read, e.g. "3"' })
  async update(
    @Param('clientId') clientId: string,
    @Body() body: ClientChangesDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: AdminCaller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClientWithSecret> {
    const api = adminApiOf(this.admin, caller, request);
    const revision = ifMatchRevision(ifMatch, true) ?? (await api.getClient(clientId)).revision;
    const updated = await api.updateClient(clientId, givenFields(body), revision);
    reply.header('etag', etagOf(updated.revision));
    return updated;
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client for good: its tokens stop working, its id is never reused' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiNoContentResponse()
  async remove(@Param('clientId') clientId: string, @Headers('if-match') ifMatch: string | undefined, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<void> {
    await adminApiOf(this.admin, caller, request).deleteClient(clientId, ifMatchRevision(ifMatch, false));
  }

  @Post(':clientId/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the client secret: the old one stops working at once; the new one is in this answer only' })
  @ApiHeader({ name: 'If-Match', required: false })
  async regenerateSecret(
    @Param('clientId') clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: AdminCaller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<NewSecret> {
    const secret = await adminApiOf(this.admin, caller, request).regenerateSecret(clientId, ifMatchRevision(ifMatch, false));
    reply.header('etag', etagOf(secret.revision));
    return secret;
  }

  @Get(':clientId/activity')
  @ApiOperation({ summary: "A client's recent activity, newest first: changes (with who made them), sign-ins, revocations" })
  @ApiOkResponse()
  activity(@Param('clientId') clientId: string, @Query() query: ActivityQueryDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<{ items: ActivityEntry[] }> {
    return adminApiOf(this.admin, caller, request).clientActivity(clientId, query.limit);
  }
}
