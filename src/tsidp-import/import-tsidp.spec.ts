import { afterAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store';
import { withOfflineApplication } from '../cli/offline-application.js';
import { CommandBus } from '@nestjs/cqrs';
import { DeleteClientCommand } from '../clients/commands/delete-client.command.js';
import { ClientDirectory } from '../clients/read-model/client-directory.js';
import { ProjectionsService } from '../storage/projections.service.js';
import { loadConfig } from '../config/load-config.js';
import { KeyRing } from '../keys/read-model/key-ring.js';
import { ClientAuthenticator } from '../tokens/http/client-authenticator.js';
import type { FormParameters } from '../tokens/http/form-parameters.js';
import { importTsidp } from './import-tsidp.js';
import { TsidpImportError } from './tsidp-import.errors.js';
import { rsaPkcs1Pem, TSIDP_KID, tsidpClients, tsidpFixture, tsidpKeyFile, writeTsidpDirectory } from './testing/tsidp-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = (dir = mkdtempSync(join(tmpdir(), 'meshid-import-'))) => (dirs.push(dir), dir);
const context = { actor: 'test', correlationId: 'import' };
const strict = { allowInsecureHttp: false };

/** Runs `work` against meshid's data directory `dataDir`, as the CLI does. */
const offline = <T>(dataDir: string, work: (app: INestApplicationContext) => Promise<T>) =>
  withOfflineApplication(loadConfig({ env: { MESHID_DATA_DIR: dataDir }, cwd: dataDir }), work);

async function allEvents(app: INestApplicationContext): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of app.get<EventStore>(EVENT_STORE).readAll()) events.push(event);
  return events;
}

/** What the token endpoint does with a request: the same authenticator, on Basic or body credentials. */
function authenticate(app: INestApplicationContext, clientId: string, secret: string, how: 'basic' | 'post') {
  const form = new Map(how === 'post' ? [['client_id', clientId], ['client_secret', secret]] : []);
  const parameters: FormParameters = { get: (name) => form.get(name), all: (name) => (form.has(name) ? [form.get(name)!] : []) };
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const request = { headers: how === 'basic' ? { authorization: basic } : {} } as FastifyRequest;
  return app.get(ClientAuthenticator).authenticate(request, parameters, { allowPublic: false });
}

/** Expects the import of `tsidpDir` to be refused with `message` and to leave the store as it was. */
async function expectRefused(dataDir: string, tsidpDir: string, message: RegExp | string) {
  await offline(dataDir, async (app) => {
    const before = (await allEvents(app)).length;
    const refusal = await importTsidp(app, tsidpDir, strict, context).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(TsidpImportError);
    expect((refusal as TsidpImportError).problems.join('\n')).toMatch(message);
    expect((await allEvents(app)).length).toBe(before);
  });
}

describe('meshid import-tsidp', () => {
  const fixture = tsidpFixture();
  const dataDir = tempDir();
  /** The clients file of `fixture`, as written. */
  const fixtureClients = () => JSON.parse(readFileSync(join(fixture.dir, 'oidc-funnel-clients.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  tempDir(fixture.dir);

  it('takes over the key with its exact kid as the active RS256 key, and every client with its secret', async () => {
    await offline(dataDir, async (app) => {
      const report = await importTsidp(app, fixture.dir, strict, context);
      expect(report.key).toEqual({ kid: TSIDP_KID, alg: 'RS256', status: 'imported', retired: [] });
      expect(report.clients!.imported.sort()).toEqual(Object.keys(fixture.secrets).sort());
      expect(report.absent).toEqual([]);
      expect(JSON.stringify(report)).not.toMatch(new RegExp(Object.values(fixture.secrets).join('|')));
      await new Promise((resolve) => setImmediate(resolve));

      const ring = app.get(KeyRing);
      expect(ring.jwks().keys.map((key) => key.kid)).toEqual([TSIDP_KID]);
      const signed = ring.signJwt('RS256', 'JWT', { sub: 'userid:1' });
      expect(JSON.parse(Buffer.from(signed.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: TSIDP_KID });
      // A token tsidp signed before the switch still verifies against what meshid publishes.
      const byTsidp = await new SignJWT({ sub: 'userid:1' }).setProtectedHeader({ alg: 'RS256', kid: TSIDP_KID }).sign(createPrivateKey(fixture.pem));
      await expect(jwtVerify(byTsidp, createLocalJWKSet(ring.jwks()))).resolves.toHaveProperty('payload.sub', 'userid:1');
      expect(ring.verifyJwt(byTsidp, ['RS256'])).not.toBeNull();

      for (const [clientId, secret] of Object.entries(fixture.secrets)) {
        expect((await authenticate(app, clientId, secret, 'basic')).clientId).toBe(clientId);
        expect((await authenticate(app, clientId, secret, 'post')).clientId).toBe(clientId);
        await expect(authenticate(app, clientId, `${secret}x`, 'basic')).rejects.toThrow();
      }
      const legacy = app.get(ClientDirectory).list().find((client) => client.metadata.client_name === 'Proxmox')!;
      expect(legacy.metadata.redirect_uris).toEqual(['https://pve.example.ts.net:8006']);

      const stored = JSON.stringify(await allEvents(app), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
      for (const secret of Object.values(fixture.secrets)) expect(stored).not.toContain(secret);
      expect(stored).not.toContain('PRIVATE KEY');
      expect(stored).not.toContain(fixture.pem.split('\n')[1]);
    });
  }, 30000);

  it('a second run writes nothing and reports the key and every client as already imported', async () => {
    await offline(dataDir, async (app) => {
      const before = (await allEvents(app)).length;
      const report = await importTsidp(app, fixture.dir, strict, context);
      expect(report.key).toMatchObject({ kid: TSIDP_KID, status: 'already-present' });
      expect(report.clients).toMatchObject({ imported: [] });
      expect(report.clients!.alreadyPresent.sort()).toEqual(Object.keys(fixture.secrets).sort());
      expect((await allEvents(app)).length).toBe(before);
    });
  });

  it('completes an import that stopped half-way: what is there is skipped, the rest imported', async () => {
    const clients = { ...fixtureClients(), ...tsidpClients() };
    const grown = tempDir(writeTsidpDirectory({ clients: JSON.stringify(clients) }));
    await offline(dataDir, async (app) => {
      const report = await importTsidp(app, grown, strict, context);
      expect(report.clients!.alreadyPresent.sort()).toEqual(Object.keys(fixture.secrets).sort());
      expect(report.clients!.imported).toHaveLength(3);
      for (const clientId of report.clients!.imported) expect(app.get(ClientDirectory).verifySecret(clientId, clients[clientId]!.client_secret as string)).toBe(true);
    });
  });

  it('refuses a client id meshid has with another secret, or has deleted', async () => {
    const [taken, deleted] = Object.keys(fixture.secrets);
    const changed = fixtureClients();
    changed[taken!]!.client_secret = 'f'.repeat(64);
    const other = tempDir(writeTsidpDirectory({ clients: JSON.stringify({ [taken!]: changed[taken!] }) }));
    await expectRefused(dataDir, other, `client "${taken}": client id "${taken}" is already taken`);
    await offline(dataDir, async (app) => {
      const result = await app.get(CommandBus).execute(new DeleteClientCommand(deleted!, context));
      await app.get(ProjectionsService).waitFor(result.position, 5000);
    });
    await expectRefused(dataDir, fixture.dir, `client "${deleted}": client id "${deleted}" is already taken`);
  });

  it('refuses another key under a kid meshid already has', async () => {
    const other = tempDir(writeTsidpDirectory({ key: tsidpKeyFile(TSIDP_KID, rsaPkcs1Pem()) }));
    await expectRefused(dataDir, other, `oidc-key.json: kid "${TSIDP_KID}" is already a different signing key in meshid`);
  });

  it.each([
    ['corrupt JSON', { key: '{"kid":' }, /oidc-key\.json: is not valid JSON/],
    ['a kid of letters', { key: tsidpKeyFile('"abcdef"', rsaPkcs1Pem()) }, /oidc-key\.json: kid "abcdef" is not an unsigned 64-bit integer/],
    ['a negative kid', { key: tsidpKeyFile('-1', rsaPkcs1Pem()) }, /oidc-key\.json: kid -1 is not/],
    ['a bad PEM', { key: tsidpKeyFile('1', '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----') }, /oidc-key\.json: key is not a PEM private key/],
  ])('refuses %s before writing anything, even the valid clients file', async (_case, files, message) => {
    const dir = tempDir(writeTsidpDirectory({ ...files, clients: JSON.stringify(tsidpClients()) }));
    await expectRefused(tempDir(), dir, message);
  });

  it('refuses a bad client before writing anything, even the valid key', async () => {
    const clients = tsidpClients();
    const [id] = Object.keys(clients) as [string];
    clients[id]!.redirect_uris = ['https://ok.example/cb', 'javascript:x'];
    const dir = tempDir(writeTsidpDirectory({ key: tsidpKeyFile(TSIDP_KID, rsaPkcs1Pem()), clients: JSON.stringify(clients) }));
    await expectRefused(tempDir(), dir, `oidc-funnel-clients.json: client "${id}": redirect_uris[1] "javascript:x": scheme "javascript:" is not allowed`);
  });

  it('refuses a missing or empty directory; imports what there is and says what was absent', async () => {
    await expectRefused(tempDir(), join(tmpdir(), 'no-such-tsidp-dir'), /no-such-tsidp-dir: no such directory/);
    await expectRefused(tempDir(), tempDir(), /has neither oidc-key\.json nor oidc-funnel-clients\.json/);
    const onlyKey = tempDir(writeTsidpDirectory({ key: tsidpKeyFile('18446744073709551615', rsaPkcs1Pem()) }));
    const report = await offline(tempDir(), (app) => importTsidp(app, onlyKey, strict, context));
    expect(report).toMatchObject({ key: { kid: '18446744073709551615', status: 'imported' }, clients: null, absent: ['oidc-funnel-clients.json'] });
  }, 30000);
});
