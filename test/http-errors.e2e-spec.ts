import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from './support/test-server.js';

// Requests that fail before any controller runs still get the OAuth error shape, never Nest's
// or Fastify's own, and never a 5xx.
let meshid: TestServer;
beforeAll(async () => {
  meshid = await startTestServer();
});
afterAll(async () => meshid?.close());

const post = (body: string | Buffer, contentType: string) =>
  fetch(`${meshid.issuer}/token`, { method: 'POST', headers: { 'content-type': contentType }, body });

async function expectError(response: Response, status: number, error: string, description?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  if (description) expect(body.error_description).toContain(description);
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
}

describe('errors before any controller runs', () => {
  it.each([
    ['a JSON body that does not parse', '{', 'application/json', 400],
    ['an unsupported media type', '<a/>', 'application/xml', 415],
    ['a body over the limit', 'a='.padEnd(2_000_000, 'x'), 'application/x-www-form-urlencoded', 413],
    ['a forbidden __proto__ key', '__proto__=x&grant_type=y', 'application/x-www-form-urlencoded', 400],
  ])('%s is invalid_request', async (_, body, contentType, status) => {
    await expectError(await post(body, contentType), status, 'invalid_request');
  });

  it('answers a known path asked with another method with 405 and Allow', async () => {
    const response = await fetch(`${meshid.issuer}/token`);
    expect(response.headers.get('allow')).toContain('POST');
    await expectError(response, 405, 'invalid_request', 'GET is not allowed');
    const authorize = await fetch(`${meshid.issuer}/authorize`, { method: 'PUT' });
    expect(authorize.headers.get('allow')).toBe('GET, HEAD, POST');
    await expectError(authorize, 405, 'invalid_request');
  });

  it('answers an unknown path with not_found', async () => {
    await expectError(await fetch(`${meshid.issuer}/nowhere?x=1`), 404, 'not_found', 'GET /nowhere');
  });

  it('answers a path with broken percent-encoding with invalid_request', async () => {
    await expectError(await fetch(`${meshid.issuer}/%zz`), 400, 'invalid_request');
  });

  it('answers a request line over the header limit with 431 in the same shape', async () => {
    await expectError(await fetch(`${meshid.issuer}/authorize?x=${'a'.repeat(20_000)}`), 431, 'invalid_request', 'too large');
  });

  it('refuses a compressed body instead of misreading it', async () => {
    const response = await fetch(`${meshid.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    });
    await expectError(response, 415, 'invalid_request', 'Content-Encoding');
  });
});
