import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { loadConfig } from '../src/config/load-config.js';
import { startServer, type RunningServer } from '../src/server.js';

const ISSUER = 'https://idp.example.ts.net';
const dataDir = mkdtempSync(join(tmpdir(), 'meshid-discovery-e2e-'));
let server: RunningServer;

beforeAll(async () => {
  const env = { MESHID_PORT: '0', MESHID_ISSUER: ISSUER, MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'error' };
  server = await startServer(loadConfig({ env, cwd: dataDir }));
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('discovery', () => {
  it('serves the relying-parties §1.6 document at both well-known addresses', async () => {
    const openid = await fetch(`${server.url}/.well-known/openid-configuration`);
    expect(openid.status).toBe(200);
    expect(openid.headers.get('access-control-allow-origin')).toBe('*');
    expect(openid.headers.get('cache-control')).toBe('public, max-age=300');
    expect(openid.headers.get('content-type')).toContain('application/json');
    const document = (await openid.json()) as Record<string, unknown>;
    expect(document).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      userinfo_endpoint: `${ISSUER}/userinfo`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      introspection_endpoint: `${ISSUER}/introspect`,
      revocation_endpoint: `${ISSUER}/revoke`,
      end_session_endpoint: `${ISSUER}/end-session`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      scopes_supported: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      claims_supported: expect.arrayContaining(['sub', 'name', 'email', 'email_verified', 'preferred_username', 'groups', 'auth_time', 'nonce']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      authorization_response_iss_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      claims_parameter_supported: false,
    });
    expect(document).not.toHaveProperty('registration_endpoint');

    const rfc8414 = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    expect(rfc8414.headers.get('access-control-allow-origin')).toBe('*');
    expect(await rfc8414.json()).toEqual(document);
  });

  it('is accepted by oauth4webapi for the configured issuer', async () => {
    const issuer = new URL(ISSUER);
    // The server listens elsewhere than the issuer's host: fetch the document there, check it as the issuer's.
    const response = await fetch(`${server.url}/.well-known/openid-configuration`);
    const as = await oauth.processDiscoveryResponse(issuer, response);
    expect(as.issuer).toBe(ISSUER);
  });

  it('answers the CORS preflight with 204 on both addresses', async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const response = await fetch(`${server.url}/.well-known/${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain('GET');
    }
  });
});
