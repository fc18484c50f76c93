import { Controller, Delete, Get, HttpCode, Inject, Logger, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatPosition, type Position } from '#event-store';
import { DeleteClientCommand } from '../../clients/commands/delete-client.command.js';
import { UpdateClientCommand } from '../../clients/commands/update-client.command.js';
import { AUTH_METHODS, DESCRIPTIVE_FIELDS, isConfidential, type TokenEndpointAuthMethod } from '../../clients/domain/client-metadata.js';
import { ClientNotFoundError, InvalidClientMetadataError, StaleClientRevisionError } from '../../clients/domain/client.errors.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import { MeshidConfig } from '../../config/meshid-config.js';
import { CallerContext } from '../../policy/caller-context.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import { IdentityService } from '../../policy/identity.service.js';
import { PolicyService } from '../../policy/policy.service.js';
import { ProjectionsService } from '../../storage/projections.service.js';
import { bearerToken, invalidToken } from '../../tokens/http/bearer-token.js';
import { RegisterClientCommand, type RegistrationAuthority } from '../commands/register-client.command.js';
import { InvalidInitialAccessTokenError } from '../domain/initial-access-token.errors.js';
import { ADMIN_ONLY_FIELDS, type AdminPolicy, parseRegistrationRequest } from '../domain/registration-request.js';
import { registrationResponse } from '../domain/registration-response.js';
import { InvalidRegistrationRequestError } from '../domain/registration.errors.js';
import { type ManagedClient, RegistrationAccess } from './registration-access.js';
import { metadataError } from './registration-errors.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
/** How long an answer waits for the clients read model, so that the client can sign in at once. */
const READ_YOUR_WRITES_MS = 5000;

/**
 * Dynamic client registration: `POST /register` (RFC 7591) and the client configuration endpoint
 * `GET|PUT|DELETE /register/:clientId` (RFC 7592). Every refusal is an RFC error body with
 * no-store; nothing is written before the caller is authorized and the metadata is valid.
 */
@Controller()
export class RegistrationController {
  private readonly logger = new Logger('Registration');

  constructor(
    private readonly commands: CommandBus,
    private readonly identities: IdentityService,
    private readonly policy: PolicyService,
    private readonly access: RegistrationAccess,
    private readonly projections: ProjectionsService,
    private readonly caller: CallerContext,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  @Post('register')
  @HttpCode(201)
  async register(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const authority = await this.authority(request);
    const body = jsonBody(request);
    let result;
    try {
      result = await this.commands.execute(new RegisterClientCommand(body, authority, { correlationId: String(request.id), ip: this.caller.ip(request) }));
    } catch (error) {
      if (error instanceof InvalidInitialAccessTokenError) throw invalidToken('the initial access token is invalid, expired, revoked or used up');
      if (error instanceof InvalidRegistrationRequestError) throw new OAuthError('invalid_request', error.message);
      if (error instanceof InvalidClientMetadataError) throw metadataError(error.errors);
      throw error;
    }
    this.logger.log(`client ${result.clientId} registered by ${result.actor}`);
    await this.settle(result.position);
    reply.headers(NO_STORE);
    return registrationResponse({
      clientId: result.clientId,
      metadata: result.metadata,
      registeredAt: await this.access.registeredAt(result.clientId),
      registrationClientUri: this.clientUri(result.clientId),
      registrationAccessToken: result.registrationAccessToken,
      ...(result.clientSecret === undefined ? {} : { clientSecret: result.clientSecret }),
    });
  }

  @Get('register/:clientId')
  async read(@Param('clientId') clientId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const token = bearerToken(request);
    const managed = await this.access.authorize(clientId, token);
    reply.headers(NO_STORE);
    return this.information(clientId, managed, token);
  }

  /**
   * RFC 7592 §2.2: the body replaces the registration whole; a field left out takes its default.
   * The administrator-set policy fields are kept as they are.
   */
  @Put('register/:clientId')
  async update(@Param('clientId') clientId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const token = bearerToken(request);
    const managed = await this.access.authorize(clientId, token);
    const body = jsonBody(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError('invalid_request', 'the body must be a JSON object of client metadata (RFC 7592 §2.2)');
    const fields = body as Record<string, unknown>;
    if (fields['client_id'] !== clientId) throw new OAuthError('invalid_request', 'client_id in the body must be the id of the client being updated (RFC 7592 §2.2)');
    // RFC 7592 §2.2: a client_secret sent must be the current one; the client cannot choose its own.
    // Refused as metadata (400), not as authentication: the caller is already authenticated by its token.
    const secret = fields['client_secret'];
    if (secret !== undefined && secret !== null && (typeof secret !== 'string' || !this.access.matchesSecret(managed, secret))) {
      throw new OAuthError('invalid_client_metadata', 'client_secret does not match the current secret (a client cannot choose its own secret)');
    }
    const current = managed.client.metadata;
    // Checked before the metadata rules, which would otherwise complain about a consequence
    // (PKCE for a public client) rather than the cause. Left out means the default (§2.2).
    const method = fields['token_endpoint_auth_method'] ?? 'client_secret_basic';
    if ((AUTH_METHODS as readonly unknown[]).includes(method) && isConfidential(method as TokenEndpointAuthMethod) !== isConfidential(current.token_endpoint_auth_method)) {
      throw new OAuthError(
        'invalid_client_metadata',
        `token_endpoint_auth_method ${JSON.stringify(method)}: a client cannot change between confidential and public (it is ${current.token_endpoint_auth_method}); register a new client instead`,
      );
    }
    const policy = Object.fromEntries(ADMIN_ONLY_FIELDS.map((field) => [field, current[field]])) as unknown as AdminPolicy;
    const parsed = parseRegistrationRequest(body, policy);
    if (!parsed.ok) throw parsed.error === 'invalid_request' ? new OAuthError('invalid_request', parsed.description) : metadataError(parsed.errors);
    // Every field is named, so that the update's merge cannot keep a descriptive field left out.
    const absent = Object.fromEntries(DESCRIPTIVE_FIELDS.map((field) => [field, undefined]));
    const command = new UpdateClientCommand(clientId, { ...absent, ...parsed.metadata }, this.caller.command(request, `client:${clientId}`), managed.revision);
    const result = await this.commands.execute(command).catch((error: unknown) => {
      throw this.managementError(error);
    });
    await this.settle(result.position);
    reply.headers(NO_STORE);
    return this.information(clientId, { ...managed, client: { ...managed.client, metadata: result.metadata } }, token);
  }

  /** RFC 7592 §2.3: the client is deleted for good; its id is never reused. */
  @Delete('register/:clientId')
  @HttpCode(204)
  async remove(@Param('clientId') clientId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const managed = await this.access.authorize(clientId, bearerToken(request));
    const result = await this.commands.execute(new DeleteClientCommand(clientId, this.caller.command(request, `client:${clientId}`), managed.revision)).catch((error: unknown) => {
      throw this.managementError(error);
    });
    await this.settle(result.position);
    reply.headers(NO_STORE);
  }

  /**
   * What authorizes a registration: a Bearer initial access token, checked (and consumed) by the
   * command; or, without one, the caller's identity, if its policy says allow_dcr. Being on
   * loopback is never enough by itself.
   */
  private async authority(request: FastifyRequest): Promise<RegistrationAuthority> {
    const header = request.headers.authorization;
    if (header !== undefined && /^bearer(\s|$)/i.test(header.trim())) return { kind: 'initial-access-token', token: bearerToken(request) };
    let identity;
    try {
      identity = await this.identities.identify(request);
    } catch (error) {
      if (!(error instanceof IdentityUnavailableError)) throw error;
      throw new OAuthError('temporarily_unavailable', 'the identity of the caller cannot be established right now; retry later', 503);
    }
    if (identity === null) {
      throw new OAuthError('access_denied', 'registering a client needs an initial access token (Authorization: Bearer) or an identity allowed to register clients', 403);
    }
    if (!this.policy.mayRegisterClients(identity)) {
      throw new OAuthError('access_denied', `${identity.login} may not register clients (no allow_dcr capability)`, 403);
    }
    return { kind: 'identity', subject: identity.subject };
  }

  /**
   * RFC 7592 §3 requires the registration access token in every client information response.
   * Only its digest is stored, so the answer carries the token the request presented, which was
   * just checked and stays valid (meshid does not rotate it).
   */
  private information(clientId: string, managed: ManagedClient, registrationAccessToken: string): Record<string, unknown> {
    return registrationResponse({
      clientId,
      metadata: managed.client.metadata,
      registeredAt: managed.registeredAt,
      registrationClientUri: this.clientUri(clientId),
      registrationAccessToken,
    });
  }

  private managementError(error: unknown): unknown {
    if (error instanceof InvalidClientMetadataError) return metadataError(error.errors);
    // Deleted between the token check and the append: the token no longer names a client.
    if (error instanceof ClientNotFoundError) return invalidToken('the registration access token is not valid for this client');
    if (error instanceof StaleClientRevisionError) return new OAuthError('invalid_request', 'the registration was changed concurrently; read it again and retry', 409);
    return error;
  }

  private clientUri(clientId: string): string {
    return `${this.config.issuer.replace(/\/+$/, '')}/register/${encodeURIComponent(clientId)}`;
  }

  /**
   * Read-your-writes for this replica's read model. A timeout does not fail the request: the
   * change is in the log and the read model will apply it; answering 500 would only make the
   * client register twice.
   */
  private async settle(position: Position): Promise<void> {
    try {
      await this.projections.waitFor(position, READ_YOUR_WRITES_MS, ['clients']);
    } catch (error) {
      this.logger.warn(`the clients read model has not applied position ${formatPosition(position)} yet: ${(error as Error).message}`);
    }
  }
}

/** The parsed body of a JSON request; any other media type is refused (RFC 7591 §3: application/json). */
function jsonBody(request: FastifyRequest): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new OAuthError('invalid_request', 'the request body must be application/json');
  return request.body;
}
