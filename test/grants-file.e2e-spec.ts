import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from './support/test-server.js';

// Identities that do not come from tailscaled (here the dev identity) take their tsidp
// capability rules from a local grants file in tailnet-policy syntax, evaluated again at every
// refresh; a malformed rule or a protected claim is dropped, and the login still works.
const CALLBACK = 'http://127.0.0.1:9999/callback';
const directory = mkdtempSync(join(tmpdir(), 'meshid-grants-'));
const grantsFile = join(directory, 'grants.hujson');

function writeGrants(role: string, at: Date): void {
  writeFileSync(
    grantsFile,
    `{
  // Who is in which group, as in a tailnet policy file.
  "groups": { "group:ops": ["alice@example.com"] },
  "grants": [
    { "src": ["group:ops"], "app": { "tailscale.com/cap/tsidp": [
      { "extraClaims": { "role": "${role}", "sub": "root" }, "includeInUserInfo": true },
      { "users": "*" },   // malformed: dropped with a warning
    ] } },
    { "src": ["bob@example.com"], "app": { "tailscale.com/cap/tsidp": [{ "extraClaims": { "role": "intruder" } }] } },
  ],
}
`,
  );
  utimesSync(grantsFile, at, at);
}

let meshid: TestServer;
let config: oidc.Configuration;
beforeAll(async () => {
  writeGrants('viewer', new Date('2026-01-01T00:00:00Z'));
  meshid = await startTestServer({ MESHID_DEV_IDENTITY: 'alice@example.com', MESHID_GRANTS_FILE: grantsFile });
  const { clientId, clientSecret } = await meshid.createClient({ client_name: 'Grafana', redirect_uris: [CALLBACK] });
  config = await oidc.discovery(new URL(meshid.issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => {
  await meshid?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('capability rules from the grants file', () => {
  it('adds the extra claims of the rules that match, dropping the protected one, and re-reads the file for the next refresh', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const response = await fetch(url, { redirect: 'manual' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(response.headers.get('location')!), { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ sub: 'dev:alice@example.com', role: 'viewer' });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, 'dev:alice@example.com')).toMatchObject({ role: 'viewer' });

    // The file changes (a new mtime); it is looked at again at most once a second.
    writeGrants('editor', new Date('2026-01-02T00:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ sub: 'dev:alice@example.com', role: 'editor' });
  });
});
