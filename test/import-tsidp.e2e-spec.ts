import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { IssueAuthorizationCodeCommand } from '../src/authorization/commands/issue-authorization-code.command.js';
import { loadConfig } from '../src/config/load-config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { TSIDP_KID, type TsidpFixture, tsidpFixture } from '../src/tsidp-import/testing/tsidp-fixture.js';
import { runCli } from './support/run-cli.js';
import { freePort } from './support/test-server.js';

const fixture: TsidpFixture = tsidpFixture();
const dataDir = mkdtempSync(join(tmpdir(), 'meshid-import-e2e-'));
const env = { MESHID_DATA_DIR: dataDir };
const secrets = Object.values(fixture.secrets);
const insecure = { [oauth.allowInsecureRequests]: true };
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.close();
  for (const dir of [dataDir, fixture.dir]) rmSync(dir, { recursive: true, force: true });
});

describe('meshid import-tsidp DIR (the command line, then a server on the imported data)', () => {
  beforeAll(async () => {
    const result = await runCli(['import-tsidp', fixture.dir, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { key: { kid: string; status: string }; clients: { imported: string[] } };
    expect(report.key).toMatchObject({ kid: TSIDP_KID, status: 'imported' });
    expect(report.clients.imported.sort()).toEqual(Object.keys(fixture.secrets).sort());
    for (const secret of secrets) expect(result.stdout).not.toContain(secret);
  }, 30000);

  it('a second run changes nothing, says everything was already imported, and prints no secret', async () => {
    const result = await runCli(['import-tsidp', fixture.dir], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`signing key: kid ${TSIDP_KID} was already imported; unchanged`);
    expect(result.stdout).toContain('clients: 0 imported');
    for (const clientId of Object.keys(fixture.secrets)) expect(result.stdout).toContain(clientId);
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  }, 30000);

  it('a missing directory exits 1 with the reason on stderr', async () => {
    const result = await runCli(['import-tsidp', join(dataDir, 'nope')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope: no such directory');
  }, 30000);

  it('serves the imported key in JWKS, signs ID tokens with its kid, and authenticates every client with its tsidp secret', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    server = await startServer(loadConfig({ env: { ...env, MESHID_PORT: String(port), MESHID_ISSUER: issuer, MESHID_LOG_LEVEL: 'error' }, cwd: dataDir }));
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; alg: string }> };
    expect(jwks.keys.filter((key) => key.alg === 'RS256').map((key) => key.kid)).toEqual([TSIDP_KID]);

    const as: oauth.AuthorizationServer = { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/.well-known/jwks.json` };
    const grafana = Object.keys(fixture.secrets)[1]!;
    const client: oauth.Client = { client_id: grafana };
    const redirectUri = 'https://grafana.example.ts.net/login/generic_oauth';
    const request = { clientId: grafana, redirectUri, scope: ['openid'], subject: 'userid:42', claims: {}, authTime: Math.floor(Date.now() / 1000), nonce: 'n-1' };
    const { code } = await server.app.get(CommandBus).execute(new IssueAuthorizationCodeCommand(request, { actor: 'test', correlationId: 'e2e' }));
    const callback = oauth.validateAuthResponse(as, client, new URLSearchParams({ code }), oauth.expectNoState);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(fixture.secrets[grafana]!), callback, redirectUri, oauth.nopkce, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'n-1', requireIdToken: true });
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RS256', kid: TSIDP_KID });
    await expect(jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(as.jwks_uri!)), { issuer, audience: grafana })).resolves.toBeDefined();

    for (const [clientId, secret] of Object.entries(fixture.secrets)) {
      const form = { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://rp.example/cb' };
      const post = (pass: string) =>
        fetch(`${issuer}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${pass}`).toString('base64')}` },
          body: new URLSearchParams(form).toString(),
        });
      // Authenticated: the request gets as far as the (bogus) code; a wrong secret does not.
      expect(((await (await post(secret)).json()) as { error: string }).error).toBe('invalid_grant');
      expect((await post(`${secret}-wrong`)).status).toBe(401);
    }
  }, 30000);
});
