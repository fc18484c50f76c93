import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { codeLogin, discover, INSECURE } from './support/code-login.js';
import { type CliResult, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/*
 * The right to erasure end to end: a person signs in (their name and email sealed in the log
 * under their key), an administrator forgets them through the CLI against the running server,
 * and from then on their refresh token is dead, the admin views have no login, and the events
 * that carried their data are still in the log, unreadable.
 */

const REDIRECT = 'https://app.example.com/cb';
const DEV_IDENTITY = JSON.stringify({ login: 'grace@example.com', name: 'Grace Hopper', caps: [] });

const json = (result: CliResult) => {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

describe('meshid accounts forget', () => {
  let server: TestServer;
  let admin: string[];
  let app: { clientId: string; clientSecret: string };
  let subject = '';
  let refreshToken = '';

  beforeAll(async () => {
    server = await startTestServer({ MESHID_DEV_IDENTITY: DEV_IDENTITY });
    const ops = await server.createClient({ client_name: 'ops', grant_types: ['client_credentials'], scope: 'meshid:admin', redirect_uris: [] });
    admin = ['--url', server.issuer, '--admin-client-id', ops.clientId, '--admin-client-secret', ops.clientSecret!];
    const created = await server.createClient({ client_name: 'app', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
    app = { clientId: created.clientId, clientSecret: created.clientSecret! };
    const tokens = await codeLogin(server.issuer, app.clientId, oauth.ClientSecretBasic(app.clientSecret), REDIRECT, 'openid profile email offline_access');
    subject = oauth.getValidatedIdTokenClaims(tokens)!.sub;
    refreshToken = tokens.refresh_token!;
  }, 30_000);

  let stopped = false;
  afterAll(async () => {
    if (!stopped) return server.close();
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  const rawEvents = () => {
    const db = new Database(join(server.dataDir, 'meshid.db'), { readonly: true });
    try {
      // The log's own seals come and go with time; they are not what this is about.
      const rows = db.prepare("SELECT stream, type, data FROM events WHERE stream <> 'log-seals' ORDER BY position").all();
      return rows as Array<{ stream: string; type: string; data: string }>;
    } finally {
      db.close();
    }
  };

  it('never writes the name, email or login in clear', () => {
    const log = rawEvents();
    expect(log.some((event) => event.type === 'GrantIssued')).toBe(true);
    // The dev resolver's subject is "dev:<login>" (a tailnet's is "userid:<n>"): the subject is
    // the one place the login may appear, as the pseudonym everything is keyed by.
    const text = JSON.stringify(log).replaceAll(subject, '<subject>');
    expect(text).not.toContain('Grace Hopper');
    expect(text).not.toContain('grace@example.com');
  });

  it('refuses without --yes, and changes nothing', async () => {
    const refused = await runCli(['accounts', 'forget', subject, ...admin]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot be undone: run again with --yes/);
    const listed = json(await runCli(['grants', 'list', '--subject', subject, '--json', ...admin]));
    expect(listed['items']).toEqual([expect.objectContaining({ login: 'grace@example.com', revoked_at: null })]);
  });

  it('revokes their grants and destroys their key; the log keeps the events, unreadable', async () => {
    const before = rawEvents().length;
    const forgotten = json(await runCli(['accounts', 'forget', subject, '--yes', '--json', ...admin]));
    expect(forgotten).toEqual({
      subject,
      erased: true,
      key_id: expect.stringMatching(/^[0-9a-f]{32}-0$/),
      erased_at: expect.any(String),
      grants_revoked: [expect.any(String)],
    });

    const listed = json(await runCli(['grants', 'list', '--subject', subject, '--json', ...admin]));
    expect(listed['items']).toEqual([expect.objectContaining({ login: null, revoked_at: expect.any(String) })]);

    const log = rawEvents();
    const keyStream = `personal-key-${forgotten['key_id'] as string}`;
    expect(log.filter((event) => event.stream === keyStream)).toEqual([]);
    expect(log.filter((event) => event.type === 'PersonalDataErased')).toHaveLength(1);
    // Only the key's one event left the log; the grant's and code's events are all still there.
    expect(log.length).toBe(before - 1 + 2 /* GrantRevoked + PersonalDataErased */);
  });

  it('leaves the refresh token dead', async () => {
    const as = await discover(server.issuer);
    const client: oauth.Client = { client_id: app.clientId };
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(app.clientSecret), refreshToken, INSECURE);
    await expect(oauth.processRefreshTokenResponse(as, client, response)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('exports their events with the personal data shown as erased', async () => {
    const exported = await runCli(['audit', 'export', '--subject', subject, '--type', 'GrantIssued,AuthorizationCodeIssued', ...admin]);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    const records = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    expect(records.map((record) => record.type)).toEqual(['AuthorizationCodeIssued', 'GrantIssued']);
    for (const { data } of records) {
      expect(data).toMatchObject({ subject, claims: { $erased: 'personal data erased' }, identity: { $erased: 'personal data erased' } });
    }
  });

  it('answers "nothing sealed" the second time, and lets the person sign in again under a fresh key', async () => {
    const again = json(await runCli(['accounts', 'forget', subject, '--yes', '--json', ...admin]));
    expect(again).toMatchObject({ erased: false, key_id: null, grants_revoked: [] });
    const tokens = await codeLogin(server.issuer, app.clientId, oauth.ClientSecretBasic(app.clientSecret), REDIRECT, 'openid profile email');
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: subject, name: 'Grace Hopper' });
  });

  it('keeps the log verifiable: once sealed, the destroyed key counts as erased, not deleted', async () => {
    // Stopping seals what is pending (the erasure with it); the data directory stays for the CLI.
    await server.server.close();
    stopped = true;
    const verified = json(await runCli(['audit', 'verify', '--json', '--data-dir', server.dataDir]));
    expect(verified).toMatchObject({ ok: true, erased: 1, firstBad: null });
  });

  it('replays to the same read models: the rebuilt grants have no login either', async () => {
    const replayed = json(await runCli(['audit', 'replay', '--projection', 'grants', '--json', '--data-dir', server.dataDir]));
    expect(replayed).toMatchObject({ equal: true });
  });
});
