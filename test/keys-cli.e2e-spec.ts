import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/run-cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meshid-keys-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { MESHID_DATA_DIR: dataDir };

interface Listed {
  kid: string;
  alg: string;
  status: string;
  in_jwks: boolean;
  activate_after: string;
}

async function list(): Promise<Listed[]> {
  const result = await runCli(['keys', 'list', '--json'], env);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { items: Listed[] }).items;
}

describe('meshid keys', () => {
  it('lists nothing on a fresh data directory, then rotate creates active keys', async () => {
    expect(await list()).toEqual([]);
    const first = await runCli(['keys', 'rotate', '--json'], env);
    expect(first.code).toBe(0);
    const keys = await list();
    expect(keys.map((key) => [key.alg, key.status]).sort()).toEqual([
      ['ES256', 'active'],
      ['EdDSA', 'active'],
      ['RS256', 'active'],
    ]);
  }, 30000);

  it('rotate publishes a new key that is not active yet; a second rotate adds nothing', async () => {
    const result = await runCli(['keys', 'rotate', '--alg', 'ES256', '--json'], env);
    expect(result.code).toBe(0);
    const rotated = (JSON.parse(result.stdout) as { items: Listed[] }).items;
    expect(rotated).toEqual([expect.objectContaining({ alg: 'ES256', status: 'published', in_jwks: true })]);
    expect(Date.parse(rotated[0]!.activate_after)).toBeGreaterThan(Date.now());

    const keys = await list();
    expect(keys.filter((key) => key.alg === 'ES256').map((key) => key.status).sort()).toEqual(['active', 'published']);
    const again = await runCli(['keys', 'rotate', '--alg', 'ES256'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already pending');
    expect(await list()).toHaveLength(4);
  }, 30000);

  it('refuses an unknown algorithm with exit code 1', async () => {
    const result = await runCli(['keys', 'rotate', '--alg', 'HS256'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HS256');
  });
});
