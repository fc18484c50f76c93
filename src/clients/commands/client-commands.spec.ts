import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore, type RecordedEvent } from '#event-store';
import { loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { clientStream } from '../domain/client-id.js';
import {
  ClientAlreadyExistsError,
  ClientHasNoSecretError,
  ClientNotFoundError,
  InvalidClientMetadataError,
  StaleClientRevisionError,
} from '../domain/client.errors.js';
import { clientEvolver } from '../domain/client.evolver.js';
import { CreateClientCommand } from './create-client.command.js';
import { CreateClientHandler } from './create-client.handler.js';
import { DeleteClientCommand } from './delete-client.command.js';
import { DeleteClientHandler } from './delete-client.handler.js';
import { RegenerateClientSecretCommand } from './regenerate-client-secret.command.js';
import { RegenerateClientSecretHandler } from './regenerate-client-secret.handler.js';
import { UpdateClientCommand } from './update-client.command.js';
import { UpdateClientHandler } from './update-client.handler.js';

const context = { actor: 'admin@example.com', correlationId: 'corr-1' };
const grafana = { client_name: 'Grafana', redirect_uris: ['https://grafana.example.com/login/generic_oauth'] };
const stores: MemoryEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function setup() {
  const store = new MemoryEventStore();
  stores.push(store);
  const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'kek-test', key: randomBytes(32) } });
  const create = new CreateClientHandler(store, hasher);
  const update = new UpdateClientHandler(store, hasher);
  const rotate = new RegenerateClientSecretHandler(store, hasher);
  const remove = new DeleteClientHandler(store);
  const load = (id: string) => loadAggregate(store, clientStream(id), clientEvolver);
  const events = async (id: string) => {
    const all: RecordedEvent[] = [];
    for await (const event of store.readStream(clientStream(id))) all.push(event);
    return all;
  };
  return { store, hasher, create, update, rotate, remove, load, events };
}

describe('client commands', () => {
  it('creates a confidential client with a random id; the event holds the digest, never the secret', async () => {
    const { create, hasher, load, events } = setup();
    const created = await create.execute(new CreateClientCommand(grafana, context));
    expect(created.clientId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(created.revision).toBe(0n);
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { state } = await load(created.clientId);
    expect(state.status === 'active' && hasher.matches(created.clientSecret!, state.secretDigest!)).toBe(true);
    const [registered] = await events(created.clientId);
    expect(registered).toMatchObject({ type: 'ClientRegistered', metadata: { actor: context.actor, correlationId: 'corr-1' } });
    expect(JSON.stringify(registered!.data)).not.toContain(created.clientSecret);
    expect((await create.execute(new CreateClientCommand(grafana, context))).clientId).not.toBe(created.clientId);
  });

  it('issues a registration access token only when asked; the event holds its digest, never the token', async () => {
    const { create, hasher, load, events } = setup();
    const plain = await create.execute(new CreateClientCommand(grafana, context));
    expect(plain.registrationAccessToken).toBeUndefined();
    expect((await load(plain.clientId)).state).toMatchObject({ registrationTokenDigest: null });
    const dynamic = await create.execute(new CreateClientCommand(grafana, context, undefined, undefined, { registrationAccessToken: true }));
    expect(dynamic.registrationAccessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { state } = await load(dynamic.clientId);
    expect(state.status === 'active' && hasher.matches(dynamic.registrationAccessToken!, state.registrationTokenDigest!)).toBe(true);
    const [registered] = await events(dynamic.clientId);
    expect(registered!.data['registrationTokenDigest']).toEqual(expect.any(String));
    expect(JSON.stringify(registered!.data)).not.toContain(dynamic.registrationAccessToken);
  });

  it('gives a public client no secret and PKCE', async () => {
    const { create, load } = setup();
    const created = await create.execute(new CreateClientCommand({ ...grafana, token_endpoint_auth_method: 'none' }, context));
    expect(created.clientSecret).toBeUndefined();
    expect(created.metadata.require_pkce).toBe(true);
    expect((await load(created.clientId)).state).toMatchObject({ status: 'active', secretDigest: null });
  });

  it('refuses invalid metadata naming the field, and writes nothing', async () => {
    const { create, store } = setup();
    const refused = create.execute(new CreateClientCommand({ ...grafana, redirect_uris: ['javascript:alert(1)'] }, context));
    await expect(refused).rejects.toThrow(InvalidClientMetadataError);
    await expect(refused).rejects.toThrow('redirect_uris[0] "javascript:alert(1)"');
    expect(await store.readAll()[Symbol.asyncIterator]().next()).toMatchObject({ done: true });
  });

  it('registers an id only once, even after delete (the no_stream gate)', async () => {
    const { create, remove } = setup();
    await create.execute(new CreateClientCommand(grafana, context, 'grafana'));
    await expect(create.execute(new CreateClientCommand(grafana, context, 'grafana'))).rejects.toThrow(ClientAlreadyExistsError);
    await remove.execute(new DeleteClientCommand('grafana', context));
    await expect(create.execute(new CreateClientCommand(grafana, context, 'grafana'))).rejects.toThrow(ClientAlreadyExistsError);
  });

  it('of two racing creates with the same id, exactly one wins', async () => {
    const { create } = setup();
    const results = await Promise.allSettled([1, 2, 3].map(() => create.execute(new CreateClientCommand(grafana, context, 'same'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('updates the named fields, keeps the others, and appends nothing when nothing changes', async () => {
    const { create, update, events } = setup();
    const { clientId } = await create.execute(new CreateClientCommand(grafana, context));
    const updated = await update.execute(new UpdateClientCommand(clientId, { id_token_signed_response_alg: 'ES256' }, context, 0n));
    expect(updated.revision).toBe(1n);
    expect(updated.metadata).toMatchObject({ client_name: 'Grafana', id_token_signed_response_alg: 'ES256' });
    const same = await update.execute(new UpdateClientCommand(clientId, { id_token_signed_response_alg: 'ES256' }, context));
    expect(same.revision).toBe(1n);
    expect((await events(clientId)).map((e) => e.type)).toEqual(['ClientRegistered', 'ClientUpdated']);
    await expect(update.execute(new UpdateClientCommand(clientId, { redirect_uris: ['http://evil.example/cb'] }, context))).rejects.toThrow(
      'redirect_uris[0] "http://evil.example/cb": plain http',
    );
  });

  it('refuses a stale expected revision on update, rotate and delete', async () => {
    const { create, update, rotate, remove, events } = setup();
    const { clientId } = await create.execute(new CreateClientCommand(grafana, context));
    await update.execute(new UpdateClientCommand(clientId, { client_name: 'Grafana 12' }, context, 0n));
    await expect(update.execute(new UpdateClientCommand(clientId, { client_name: 'Other' }, context, 0n))).rejects.toThrow(
      new StaleClientRevisionError(clientId, 0n, 1n),
    );
    await expect(rotate.execute(new RegenerateClientSecretCommand(clientId, context, 0n))).rejects.toThrow(StaleClientRevisionError);
    await expect(remove.execute(new DeleteClientCommand(clientId, context, 0n))).rejects.toThrow(StaleClientRevisionError);
    expect(await events(clientId)).toHaveLength(2);
  });

  it('rotating the secret invalidates the old one at once', async () => {
    const { create, rotate, hasher, load } = setup();
    const created = await create.execute(new CreateClientCommand(grafana, context));
    const rotated = await rotate.execute(new RegenerateClientSecretCommand(created.clientId, context));
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    const { state } = await load(created.clientId);
    if (state.status !== 'active') throw new Error('expected an active client');
    expect(hasher.matches(rotated.clientSecret, state.secretDigest!)).toBe(true);
    expect(hasher.matches(created.clientSecret!, state.secretDigest!)).toBe(false);
  });

  it('public clients have no secret to rotate; becoming confidential issues one, becoming public drops it', async () => {
    const { create, update, rotate, load } = setup();
    const { clientId } = await create.execute(new CreateClientCommand({ ...grafana, token_endpoint_auth_method: 'none' }, context));
    await expect(rotate.execute(new RegenerateClientSecretCommand(clientId, context))).rejects.toThrow(ClientHasNoSecretError);
    const confidential = await update.execute(new UpdateClientCommand(clientId, { token_endpoint_auth_method: 'client_secret_post' }, context));
    expect(confidential.clientSecret).toBeDefined();
    expect(confidential.revision).toBe(2n); // ClientUpdated and ClientSecretRotated, in one append
    const publicAgain = await update.execute(new UpdateClientCommand(clientId, { token_endpoint_auth_method: 'none' }, context));
    expect(publicAgain.metadata.require_pkce).toBe(true);
    expect((await load(clientId)).state).toMatchObject({ status: 'active', secretDigest: null });
  });

  it('a deleted client is unknown to every later command; its stream keeps ClientDeleted', async () => {
    const { create, update, rotate, remove, events } = setup();
    const { clientId } = await create.execute(new CreateClientCommand(grafana, context));
    const deleted = await remove.execute(new DeleteClientCommand(clientId, context, 0n));
    expect(deleted.revision).toBe(1n);
    await expect(update.execute(new UpdateClientCommand(clientId, { client_name: 'X' }, context))).rejects.toThrow(ClientNotFoundError);
    await expect(rotate.execute(new RegenerateClientSecretCommand(clientId, context))).rejects.toThrow(`unknown client "${clientId}"`);
    await expect(remove.execute(new DeleteClientCommand(clientId, context))).rejects.toThrow(ClientNotFoundError);
    await expect(remove.execute(new DeleteClientCommand('never-was', context))).rejects.toThrow(ClientNotFoundError);
    expect((await events(clientId)).map((e) => e.type)).toEqual(['ClientRegistered', 'ClientDeleted']);
  });

  it('never writes a plaintext secret anywhere in the log', async () => {
    const { store, create, update, rotate } = setup();
    const secrets: string[] = [];
    const a = await create.execute(new CreateClientCommand(grafana, context));
    secrets.push(a.clientSecret!, (await rotate.execute(new RegenerateClientSecretCommand(a.clientId, context))).clientSecret);
    const b = await create.execute(new CreateClientCommand({ ...grafana, token_endpoint_auth_method: 'none' }, context));
    secrets.push((await update.execute(new UpdateClientCommand(b.clientId, { token_endpoint_auth_method: 'client_secret_basic' }, context))).clientSecret!);
    let raw = '';
    for await (const event of store.readAll()) raw += `${event.stream} ${event.type} ${JSON.stringify(event.data)} ${JSON.stringify(event.metadata)}\n`;
    expect(raw).toContain('secretDigest');
    for (const secret of secrets) expect(raw).not.toContain(secret);
  });
});
