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
      registration_endpoint: `${ISSUER}/register`,
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
    expect(document).not.toHaveProperty('client_id_metadata_document_supported');

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

describe('discovery for an issuer with a path, token exchange and client ID metadata documents on', () => {
  const TENANT = 'https://idp.example.ts.net/tenant';
  const tenantDir = mkdtempSync(join(tmpdir(), 'meshid-discovery-path-e2e-'));
  let tenant: RunningServer;

  beforeAll(async () => {
    const env = {
      MESHID_PORT: '0',
      MESHID_ISSUER: TENANT,
      MESHID_DATA_DIR: tenantDir,
      MESHID_LOG_LEVEL: 'error',
      MESHID_TOKEN_EXCHANGE: '1',
      MESHID_CLIENT_ID_METADATA_DOCUMENTS: 'on',
    };
    tenant = await startServer(loadConfig({ env, cwd: tenantDir }));
  });
  afterAll(async () => {
    await tenant?.close();
    rmSync(tenantDir, { recursive: true, force: true });
  });

  it('answers at every address an MCP client tries (RFC 8414 §3.1 path insertion first), with the same document', async () => {
    const addresses = [
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/openid-configuration/tenant',
      // `${TENANT}/.well-known/openid-configuration`, once the proxy has stripped /tenant:
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ];
    const documents = [];
    for (const address of addresses) {
      const response = await fetch(`${tenant.url}${address}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      documents.push(await response.json());
    }
    for (const document of documents) expect(document).toEqual(documents[0]);
    expect(documents[0]).toMatchObject({
      issuer: TENANT,
      token_endpoint: `${TENANT}/token`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      client_id_metadata_document_supported: true,
    });
    // What oauth4webapi builds for this issuer, checked as MCP requires: issuer equals the one asked for.
    const response = await fetch(`${tenant.url}/.well-known/oauth-authorization-server/tenant`);
    expect((await oauth.processDiscoveryResponse(new URL(TENANT), response)).issuer).toBe(TENANT);
  });

  it('answers another issuer path with 404, not with its own metadata', async () => {
    for (const address of ['/.well-known/oauth-authorization-server/other', '/.well-known/openid-configuration/tenant/x']) {
      const response = await fetch(`${tenant.url}${address}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
  });
});

