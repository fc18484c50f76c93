import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryEventStore } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase, ProjectionRunner, type ReadModelDatabase } from '#projections';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { CreateClientCommand } from '../commands/create-client.command.js';
import { CreateClientHandler } from '../commands/create-client.handler.js';
import { DeleteClientCommand } from '../commands/delete-client.command.js';
import { DeleteClientHandler } from '../commands/delete-client.handler.js';
import { RegenerateClientSecretCommand } from '../commands/regenerate-client-secret.command.js';
import { RegenerateClientSecretHandler } from '../commands/regenerate-client-secret.handler.js';
import { UpdateClientCommand } from '../commands/update-client.command.js';
import { UpdateClientHandler } from '../commands/update-client.handler.js';
import { ClientDirectory } from './client-directory.js';
import { ClientsProjection } from './clients.projection.js';

const context = { actor: 'test', correlationId: 'c' };
const grafana = { client_name: 'Grafana', redirect_uris: ['https://grafana.example.com/login/generic_oauth'] };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const store = new MemoryEventStore();
  const readModels: ReadModelDatabase = openReadModelDatabase(':memory:', { migrationsDir: defaultMigrationsDir() });
  const hasher = new SecretHasher({ pepper: randomBytes(32), kek: { id: 'k', key: randomBytes(32) } });
  cleanups.push(() => store.close(), () => readModels.close());
  const directory = new ClientDirectory(readModels, hasher);
  directory.onModuleInit();
  const runner = new ProjectionRunner(store, readModels.db, [new ClientsProjection(directory)]);
  cleanups.push(() => runner.stop());
  const handlers = {
    create: new CreateClientHandler(store, hasher),
    update: new UpdateClientHandler(store, hasher),
    rotate: new RegenerateClientSecretHandler(store, hasher),
    remove: new DeleteClientHandler(store),
  };
  return { store, readModels, hasher, directory, runner, ...handlers };
}

describe('clients projection and ClientDirectory', () => {
  it('shows each command in the directory once waitFor returns (read-your-writes)', async () => {
    const { runner, directory, create, update, rotate, remove } = setup();
    await runner.start();
    const created = await create.execute(new CreateClientCommand(grafana, context));
    await runner.waitFor(created.position, 1000);
    expect(directory.find(created.clientId)).toMatchObject({ clientId: created.clientId, confidential: true, revision: 0n, metadata: { client_name: 'Grafana' } });
    expect(directory.verifySecret(created.clientId, created.clientSecret!)).toBe(true);

    const updated = await update.execute(new UpdateClientCommand(created.clientId, { client_name: 'Grafana 12' }, context));
    await runner.waitFor(updated.position, 1000);
    expect(directory.find(created.clientId)).toMatchObject({ revision: 1n, metadata: { client_name: 'Grafana 12' } });

    const rotated = await rotate.execute(new RegenerateClientSecretCommand(created.clientId, context));
    await runner.waitFor(rotated.position, 1000);
    expect(directory.verifySecret(created.clientId, created.clientSecret!)).toBe(false);
    expect(directory.verifySecret(created.clientId, rotated.clientSecret)).toBe(true);

    const deleted = await remove.execute(new DeleteClientCommand(created.clientId, context));
    await runner.waitFor(deleted.position, 1000);
    expect(directory.find(created.clientId)).toBeUndefined();
    expect(directory.verifySecret(created.clientId, rotated.clientSecret)).toBe(false);
    expect(directory.list()).toEqual([]);
  });

  it('never verifies a public client, an unknown one or a wrong secret', async () => {
    const { runner, directory, create } = setup();
    const pub = await create.execute(new CreateClientCommand({ ...grafana, token_endpoint_auth_method: 'none' }, context));
    const conf = await create.execute(new CreateClientCommand(grafana, context));
    await runner.start();
    expect(directory.find(pub.clientId)?.confidential).toBe(false);
    expect(directory.verifySecret(pub.clientId, '')).toBe(false);
    expect(directory.verifySecret('nobody', conf.clientSecret!)).toBe(false);
    expect(directory.verifySecret(conf.clientId, `${conf.clientSecret}x`)).toBe(false);
  });

  it('loads its index from the table at start, and lists by name', async () => {
    const { runner, readModels, hasher, create } = setup();
    const b = await create.execute(new CreateClientCommand({ ...grafana, client_name: 'Proxmox' }, context));
    const a = await create.execute(new CreateClientCommand(grafana, context));
    await runner.start();
    await runner.stop();
    const restarted = new ClientDirectory(readModels, hasher);
    restarted.onModuleInit();
    expect(restarted.list().map((client) => client.clientId)).toEqual([a.clientId, b.clientId]);
    expect(restarted.verifySecret(b.clientId, b.clientSecret!)).toBe(true);
    expect(Object.isFrozen(restarted.find(a.clientId)!.metadata.redirect_uris)).toBe(true);
  });

  it('rebuilds to the same rows', async () => {
    const { runner, readModels, directory, create, remove } = setup();
    const kept = await create.execute(new CreateClientCommand(grafana, context));
    const gone = await create.execute(new CreateClientCommand(grafana, context));
    await remove.execute(new DeleteClientCommand(gone.clientId, context));
    await runner.start();
    const rows = () => readModels.db.prepare('SELECT client_id, revision, secret_digest FROM clients ORDER BY client_id').all();
    const before = rows();
    expect(before).toEqual([expect.objectContaining({ client_id: kept.clientId, revision: 0 })]);
    await runner.rebuild('clients');
    expect(rows()).toEqual(before);
    expect(directory.list().map((client) => client.clientId)).toEqual([kept.clientId]);
    expect(runner.readiness()).toMatchObject({ ready: true, failed: [] });
  });

  it('stops, naming the event, at a client event it cannot have written', async () => {
    const { store, runner } = setup();
    await store.append('client-grafana', [{ type: 'ClientRegistered', data: { name: 'hand-made' } }], 'no_stream');
    await runner.start().catch(() => undefined);
    const [failed] = runner.readiness().failed;
    expect(failed?.name).toBe('clients');
    expect(failed?.error).toContain('client-grafana');
    expect(failed?.error).toContain('without a valid clientId');
  });
});
