import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MemoryEventStore } from '#event-store';
import { CreateClientCommand } from '../../clients/commands/create-client.command.js';
import { CreateClientHandler } from '../../clients/commands/create-client.handler.js';
import { DeleteClientCommand } from '../../clients/commands/delete-client.command.js';
import { DeleteClientHandler } from '../../clients/commands/delete-client.handler.js';
import { UpdateClientCommand } from '../../clients/commands/update-client.command.js';
import { UpdateClientHandler } from '../../clients/commands/update-client.handler.js';
import { FixedClock } from '../../common/clock.js';
import type { MeshidConfig } from '../../config/meshid-config.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import type { Identity } from '../../policy/identity.js';
import { IdentityUnavailableError } from '../../policy/identity-resolver.js';
import type { IdentityService } from '../../policy/identity.service.js';
import type { PolicyService } from '../../policy/policy.service.js';
import type { ProjectionsService } from '../../storage/projections.service.js';
import { CallerContext } from '../../policy/caller-context.js';
import { TrustedProxies } from '../../policy/trusted-proxies.js';
import { IssueInitialAccessTokenCommand } from '../commands/issue-initial-access-token.command.js';
import { IssueInitialAccessTokenHandler } from '../commands/issue-initial-access-token.handler.js';
import { RegisterClientCommand } from '../commands/register-client.command.js';
import { RegisterClientHandler } from '../commands/register-client.handler.js';
import { RegistrationAccess } from './registration-access.js';
import { RegistrationController } from './registration.controller.js';

Logger.overrideLogger(false);

const CB = 'https://app.example.com/cb';
const alice: Identity = { source: 'dev', subject: 'dev:alice@example.com', login: 'alice@example.com', claims: { groups: [] }, capabilities: [] };
const stores: MemoryEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

interface Options {
  identity?: Identity | null | Error;
  allowDcr?: boolean;
  waitFails?: boolean;
}

function setup({ identity = alice, allowDcr = true, waitFails = false }: Options = {}) {
  const store = new MemoryEventStore();
  stores.push(store);
  const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  const clock = new FixedClock(Date.now());
  const handlers = new Map<unknown, { execute(command: never): Promise<unknown> }>();
  /** Runs before the next command, to simulate a concurrent writer. */
  let interleave: (() => Promise<unknown>) | null = null;
  const bus = {
    async execute(command: object) {
      const next = interleave;
      interleave = null;
      if (next) await next();
      return handlers.get(command.constructor)!.execute(command as never);
    },
  } as unknown as CommandBus;
  handlers.set(CreateClientCommand, new CreateClientHandler(store, hasher));
  handlers.set(UpdateClientCommand, new UpdateClientHandler(store, hasher));
  handlers.set(DeleteClientCommand, new DeleteClientHandler(store));
  handlers.set(RegisterClientCommand, new RegisterClientHandler(store, hasher, clock, bus));
  handlers.set(IssueInitialAccessTokenCommand, new IssueInitialAccessTokenHandler(store, hasher, clock));
  const identities = {
    identify: async () => {
      if (identity instanceof Error) throw identity;
      return identity;
    },
  } as unknown as IdentityService;
  const policy = { mayRegisterClients: () => allowDcr } as unknown as PolicyService;
  const projections = { waitFor: async () => (waitFails ? Promise.reject(new Error('timed out')) : undefined) } as unknown as ProjectionsService;
  const config = { issuer: 'https://id.example/' } as MeshidConfig;
  const caller = new CallerContext(new TrustedProxies({ trustedProxies: [] }));
  const controller = new RegistrationController(bus, identities, policy, new RegistrationAccess(store, hasher), projections, caller, config);

  const sent: Record<string, string>[] = [];
  const reply = { headers: (headers: Record<string, string>) => sent.push(headers) } as unknown as FastifyReply;
  const request = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    ({ method, body, headers: { 'content-type': 'application/json', ...headers }, id: 'req-1', ip: '127.0.0.1', socket: { remoteAddress: '127.0.0.1' }, raw: { socket: { remoteAddress: '127.0.0.1', remotePort: 40000 }, headers: {} } }) as unknown as FastifyRequest;
  const register = (body: unknown, headers?: Record<string, string>) => controller.register(request('POST', body, headers), reply);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const initialToken = async (maxUses = 1) => (await bus.execute(new IssueInitialAccessTokenCommand({ maxUses, lifetimeMs: 3_600_000 }, { actor: 'admin', correlationId: 'c' }))) as { token: string };
  const setInterleave = (work: () => Promise<unknown>) => (interleave = work);
  return { controller, bus, request, reply, sent, register, bearer, initialToken, setInterleave };
}

describe('RegistrationController POST /register', () => {
  it('registers for an identity with allow_dcr and answers with the credentials and no-store', async () => {
    const { register, sent } = setup();
    const body = await register({ redirect_uris: [CB] });
    expect(body).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      registration_access_token: expect.any(String),
      registration_client_uri: `https://id.example/register/${body['client_id'] as string}`,
      client_name: 'app.example.com',
    });
    expect(sent).toContainEqual({ 'cache-control': 'no-store', pragma: 'no-cache' });
  });

  it('refuses nobody (403), an identity without allow_dcr (403), and answers 503 when identity cannot be established', async () => {
    await expect(setup({ identity: null }).register({ redirect_uris: [CB] })).rejects.toMatchObject({ error: 'access_denied', status: 403 });
    await expect(setup({ allowDcr: false }).register({ redirect_uris: [CB] })).rejects.toMatchObject({
      error: 'access_denied',
      status: 403,
      description: 'alice@example.com may not register clients (no allow_dcr capability)',
    });
    const down = setup({ identity: new IdentityUnavailableError('tailscale', 'tailscaled is down') });
    await expect(down.register({ redirect_uris: [CB] })).rejects.toMatchObject({ error: 'temporarily_unavailable', status: 503 });
  });

  it('takes an initial access token instead of an identity; a bad one is 401 invalid_token with a challenge', async () => {
    const { register, bearer, initialToken } = setup({ identity: null });
    const { token } = await initialToken();
    await expect(register({ redirect_uris: [CB] }, bearer(token))).resolves.toMatchObject({ client_id: expect.any(String) });
    const refused = register({ redirect_uris: [CB] }, bearer(token));
    await expect(refused).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
    await expect(refused).rejects.toMatchObject({ headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') } });
    await expect(register({ redirect_uris: [CB] }, { authorization: 'Bearer a b' })).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
  });

  it('treats another Authorization scheme as no token: the identity decides', async () => {
    await expect(setup().register({ redirect_uris: [CB] }, { authorization: 'Basic YTpi' })).resolves.toMatchObject({ client_id: expect.any(String) });
    await expect(setup({ identity: null }).register({ redirect_uris: [CB] }, { authorization: 'Basic YTpi' })).rejects.toMatchObject({ status: 403 });
  });

  it('refuses other media types and bodies that are not objects with invalid_request', async () => {
    const { register } = setup();
    await expect(register({ redirect_uris: [CB] }, { 'content-type': 'text/plain' })).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
    await expect(register([{ redirect_uris: [CB] }])).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
    await expect(register({ redirect_uris: [CB] }, { 'content-type': 'application/json; charset=utf-8' })).resolves.toBeDefined();
  });

  it('answers invalid_redirect_uri when a redirect URI is at fault, else invalid_client_metadata, listing a bounded number of problems', async () => {
    const { register } = setup();
    await expect(register({ redirect_uris: ['javascript:x'], logo_uri: 'ftp://x' })).rejects.toMatchObject({ error: 'invalid_redirect_uri', status: 400 });
    await expect(register({ post_logout_redirect_uris: ['javascript:x'], redirect_uris: [CB] })).rejects.toMatchObject({ error: 'invalid_redirect_uri' });
    await expect(register({ redirect_uris: [CB], require_pkce: true })).rejects.toMatchObject({ error: 'invalid_client_metadata', description: expect.stringContaining('require_pkce true') });
    const many = await register({ redirect_uris: [CB], grant_types: Array.from({ length: 1000 }, (_, i) => `g${i}`) }).then(
      () => ({ description: '' }),
      (error: { description: string }) => error,
    );
    expect(many.description).toContain('grant_types[0] "g0"');
    expect(many.description).toContain('and 980 more problems');
    expect(many.description.length).toBeLessThan(8000);
  });

  it('still answers 201 when the read model is slow: the client is registered, a 500 would only make it register twice', async () => {
    await expect(setup({ waitFails: true }).register({ redirect_uris: [CB] })).resolves.toMatchObject({ client_id: expect.any(String) });
  });
});

describe('RegistrationController /register/:clientId', () => {
  async function registered(options?: Options) {
    const context = setup(options);
    const body = await context.register({ redirect_uris: [CB], client_uri: 'https://app.example.com' });
    const clientId = body['client_id'] as string;
    const auth = context.bearer(body['registration_access_token'] as string);
    const call = (method: string, payload?: unknown, headers: Record<string, string> = auth) => {
      const request = context.request(method, payload, headers);
      if (method === 'GET') return context.controller.read(clientId, request, context.reply);
      if (method === 'PUT') return context.controller.update(clientId, request, context.reply);
      return context.controller.remove(clientId, request, context.reply);
    };
    return { ...context, clientId, secret: body['client_secret'] as string, auth, call };
  }

  it('reads the registration without the credentials', async () => {
    const { call, clientId } = await registered();
    const body = await call('GET');
    expect(body).toMatchObject({ client_id: clientId, client_uri: 'https://app.example.com' });
    expect(body).not.toHaveProperty('client_secret');
    expect(body).toHaveProperty('registration_access_token', expect.any(String));
  });

  it('answers one and the same 401 for a wrong token, an unknown client and a malformed id', async () => {
    const { call, controller, request, reply, auth } = await registered();
    const expected = { error: 'invalid_token', status: 401, description: 'the registration access token is not valid for this client' };
    await expect(call('GET', undefined, { authorization: 'Bearer wrong' })).rejects.toMatchObject(expected);
    await expect(controller.read('unknown', request('GET', undefined, auth), reply)).rejects.toMatchObject(expected);
    await expect(controller.read('../x', request('GET', undefined, auth), reply)).rejects.toMatchObject(expected);
    await expect(call('GET', undefined, {})).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
  });

  it('replaces the registration on PUT, checking client_id, client_secret and the kind of client', async () => {
    const { call, clientId, secret } = await registered();
    const replaced = await call('PUT', { client_id: clientId, client_secret: secret, redirect_uris: [CB], client_name: 'Renamed' });
    expect(replaced).toMatchObject({ client_name: 'Renamed' });
    expect(replaced).not.toHaveProperty('client_uri');
    await expect(call('PUT', { client_id: 'other', redirect_uris: [CB] })).rejects.toMatchObject({ error: 'invalid_request' });
    await expect(call('PUT', { client_id: clientId, client_secret: 'x'.repeat(43), redirect_uris: [CB] })).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    await expect(call('PUT', { client_id: clientId, client_secret: 7, redirect_uris: [CB] })).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    await expect(call('PUT', { client_id: clientId, redirect_uris: [CB], token_endpoint_auth_method: 'none' })).rejects.toMatchObject({
      error: 'invalid_client_metadata',
      description: expect.stringContaining('confidential and public'),
    });
    await expect(call('PUT', { client_id: clientId, redirect_uris: ['/relative'] })).rejects.toMatchObject({ error: 'invalid_redirect_uri' });
    await expect(call('PUT', 'text')).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('refuses an update that raced another change (409) and one on a client deleted meanwhile (401)', async () => {
    const { call, clientId, bus, setInterleave } = await registered();
    const admin = { actor: 'admin', correlationId: 'c' };
    setInterleave(() => bus.execute(new UpdateClientCommand(clientId, { client_name: 'Admin rename' }, admin)));
    await expect(call('PUT', { client_id: clientId, redirect_uris: [CB] })).rejects.toMatchObject({ error: 'invalid_request', status: 409 });
    setInterleave(() => bus.execute(new DeleteClientCommand(clientId, admin)));
    await expect(call('DELETE')).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
  });

  it('deletes the client; the token then opens nothing', async () => {
    const { call } = await registered();
    await expect(call('DELETE')).resolves.toBeUndefined();
    await expect(call('GET')).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
  });
});
