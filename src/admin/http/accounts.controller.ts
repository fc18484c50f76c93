import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountSetupLink, AdminAccount, CreatedAccount, DeletedAccount, Page } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import type { AdminCaller } from './admin-access.js';
import { adminApiOf } from './admin-api-of.js';
import { AdminGuard, Caller } from './admin.guard.js';
import { adminValidation } from './admin-validation.pipe.js';
import { AccountChangesDto, AccountListQueryDto, DisableAccountDto, NewAccountDto } from './dto/accounts.dto.js';
import { etagOf, ifMatchRevision } from './etag.js';
import { givenFields } from './given-fields.js';

/**
 * `/api/v1/accounts`: local accounts, for people who sign in from outside the tailnet. `:account`
 * is an account id or a login name. An account's ETag is its stream revision; no answer ever
 * holds a credential (passkeys are listed by id and name).
 */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1/accounts')
@UseGuards(AdminGuard)
@UsePipes(adminValidation)
export class AdminAccountsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'List accounts, a page at a time' })
  list(@Query() query: AccountListQueryDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<Page<AdminAccount>> {
    return adminApiOf(this.admin, caller, request).listAccounts(givenFields(query));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account; the answer holds a one-time setup link for the person to set a password or passkey' })
  @ApiCreatedResponse({ description: 'the account, with setup_link (shown this once)' })
  async create(@Body() body: NewAccountDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedAccount> {
    const created = await adminApiOf(this.admin, caller, request).createAccount(givenFields(body) as NewAccountDto);
    reply.header('etag', etagOf(created.revision)).header('location', `/api/v1/accounts/${encodeURIComponent(created.account_id)}`);
    return created;
  }

  @Get(':account')
  @ApiOperation({ summary: 'Show an account (id or login); ETag is its revision' })
  show(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).getAccount(account));
  }

  @Patch(':account')
  @ApiOperation({ summary: 'Change the fields given (groups are replaced whole); If-Match is required, a stale one is 412' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag of the account as last read, e.g. "3"' })
  async update(
    @Param('account') account: string,
    @Body() body: AccountChangesDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: AdminCaller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminAccount> {
    const api = adminApiOf(this.admin, caller, request);
    const revision = ifMatchRevision(ifMatch, true) ?? (await api.getAccount(account)).revision;
    return tagged(reply, api.updateAccount(account, givenFields(body), revision));
  }

  @Post(':account/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse sign-in to the account and revoke its grants (its tokens stop working)' })
  disable(@Param('account') account: string, @Body() body: DisableAccountDto, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).disableAccount(account, body.reason));
  }

  @Post(':account/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Allow sign-in to a disabled account again' })
  enable(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).enableAccount(account));
  }

  @Post(':account/setup-link')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new one-time setup link (the previous one stops working): how the person sets or resets a password or passkey' })
  setupLink(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<AccountSetupLink> {
    return adminApiOf(this.admin, caller, request).issueSetupLink(account);
  }

  @Delete(':account/passkeys/:credentialId')
  @ApiOperation({ summary: 'Remove one passkey of the account' })
  removePasskey(
    @Param('account') account: string,
    @Param('credentialId') credentialId: string,
    @Caller() caller: AdminCaller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).removePasskey(account, credentialId));
  }

  @Delete(':account/password')
  @ApiOperation({ summary: "Remove the account's password" })
  removePassword(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).removePassword(account));
  }

  @Delete(':account/totp')
  @ApiOperation({ summary: "Remove the account's TOTP authenticator" })
  removeTotp(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AdminAccount> {
    return tagged(reply, adminApiOf(this.admin, caller, request).removeTotp(account));
  }

  @Delete(':account')
  @ApiOperation({ summary: 'Delete the account for good (its login can be used again) and revoke its grants' })
  remove(@Param('account') account: string, @Caller() caller: AdminCaller, @Req() request: FastifyRequest): Promise<DeletedAccount> {
    return adminApiOf(this.admin, caller, request).deleteAccount(account);
  }
}

/** The account answered, with its revision as the ETag. */
async function tagged(reply: FastifyReply, answer: Promise<AdminAccount>): Promise<AdminAccount> {
  const account = await answer;
  reply.header('etag', etagOf(account.revision));
  return account;
}
