import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { jwksMaxAgeSeconds, DEFAULT_ROTATION_POLICY } from '../src/keys/domain/rotation-policy.js';
import { KeyRing } from '../src/keys/read-model/key-ring.js';
import { startServer, type RunningServer } from '../src/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meshid-keys-e2e-'));
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Jwk = Record<string, string>;

describe('JWKS on a first start', () => {
  it('publishes an RSA 2048, a P-256 and an Ed25519 key, cacheable and readable from any origin', async () => {
    const loaded = loadConfig({ env: { MESHID_PORT: '0', MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'warn' }, cwd: dataDir });
    server = await startServer(loaded);
    const ring = server.app.get(KeyRing);
    await waitUntil(() => ring.jwks().keys.length === 3);

    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe(`public, max-age=${jwksMaxAgeSeconds(DEFAULT_ROTATION_POLICY)}`);
    expect(response.headers.get('content-type')).toContain('application/json');
    const { keys } = (await response.json()) as { keys: Jwk[] };
    const byKty = Object.fromEntries(keys.map((key) => [key.kty, key]));
    expect(byKty.RSA).toMatchObject({ alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(byKty.RSA!.n!, 'base64url').length * 8).toBe(2048);
    expect(byKty.EC).toMatchObject({ alg: 'ES256', use: 'sig', crv: 'P-256' });
    expect(byKty.OKP).toMatchObject({ alg: 'EdDSA', use: 'sig', crv: 'Ed25519' });
    for (const key of keys) {
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toHaveProperty('d');
    }
    expect(ring.signingKey('RS256').kid).toBe(byKty.RSA!.kid);
  });

  it('answers the CORS preflight with 204', async () => {
    const response = await fetch(`${server!.url}/.well-known/jwks.json`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('keeps the same keys across a restart', async () => {
    const before = server!.app.get(KeyRing).jwks().keys.map((key) => key.kid).sort();
    await server!.close();
    const loaded = loadConfig({ env: { MESHID_PORT: '0', MESHID_DATA_DIR: dataDir, MESHID_LOG_LEVEL: 'warn' }, cwd: dataDir });
    server = await startServer(loaded);
    const ring = server.app.get(KeyRing);
    await waitUntil(() => ring.hasSigningKey('EdDSA'));
    expect(ring.jwks().keys.map((key) => key.kid).sort()).toEqual(before);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
