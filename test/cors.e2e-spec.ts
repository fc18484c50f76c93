import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/test-server.js';

// Browser-based clients (MCP clients, single-page apps) call metadata, keys, /token, /revoke and
// /register from their own origin: every answer there, errors included, must be readable by them.
let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer();
});
afterAll(async () => meshid?.close());

const ORIGIN = 'https://mcp-client.example';

describe('CORS for browser clients', () => {
  it.each([
    ['/.well-known/openid-configuration', 'GET'],
    ['/.well-known/oauth-authorization-server', 'GET'],
    ['/.well-known/jwks.json', 'GET'],
    ['/token', 'POST'],
    ['/revoke', 'POST'],
    ['/register', 'POST'],
    ['/register/some-client', 'PUT'],
  ])('answers the preflight of %s with 204, any origin, no credentials', async (path, method) => {
    const response = await fetch(`${meshid.issuer}${path}`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain(method);
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a browser read errors from /token and /revoke', async () => {
    for (const path of ['/token', '/revoke']) {
      const response = await fetch(`${meshid.issuer}${path}`, {
        method: 'POST',
        headers: { Origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code&client_id=nobody',
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    }
  });

  it('gives no CORS to what must stay same-origin: /authorize, userinfo, introspection', async () => {
    for (const path of ['/authorize', '/userinfo', '/introspect']) {
      const response = await fetch(`${meshid.issuer}${path}`, { headers: { Origin: ORIGIN }, redirect: 'manual' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    const preflight = await fetch(`${meshid.issuer}/introspect`, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
