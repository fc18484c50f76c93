import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('meshid command line', () => {
  it('lists its commands with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('serve');
    expect(result.stdout).toContain('config');
  });

  it('refuses a bad configuration with exit code 1 and a message naming the key', async () => {
    const result = await runCli(['config'], { MESHID_PORT: 'http', MESHID_EVENT_STORE: 'mongo' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('port (from MESHID_PORT) = "http": expected an integer from 0 to 65535');
    expect(result.stderr).toContain('eventStore (from MESHID_EVENT_STORE) = "mongo"');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses to serve with a grants file it cannot read, in one message and no stack trace', async () => {
    const result = await runCli(['serve', '--port', '0'], { MESHID_DATA_DIR: join(dir, 'grants'), MESHID_GRANTS_FILE: join(dir, 'no-grants.json') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`grantsFile (MESHID_GRANTS_FILE): ${join(dir, 'no-grants.json')} does not exist`);
    expect(result.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
  });

  it('refuses a bad flag with exit code 1', async () => {
    const result = await runCli(['serve', '--port', '99999']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('an integer from 0 to 65535');
  });

  it('prints the effective configuration as JSON', async () => {
    const result = await runCli(['config', '--json', '--issuer', 'https://idp.example.ts.net'], { MESHID_DATA_DIR: dir });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { config: Record<string, unknown> };
    expect(printed.config).toMatchObject({ issuer: 'https://idp.example.ts.net', dataDir: dir, eventStore: 'sqlite' });
  });

  it('serves, says where and how on first start, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = join(dir, 'serve');
    const child = spawnCli(['serve', '--port', '0'], { MESHID_DATA_DIR: dataDir });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      // The health line is the banner's last: once it is out, the whole first-run message is.
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`meshid did not start:\n${output}`)), 20000);
        child.stdout!.on('data', () => {
          const match = /health: GET (http:\/\/[^/\s]+)\/healthz/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(output).toContain(`first start: created ${dataDir}`);
      expect(output).toContain(`listening on ${url}`);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('projections stopped at their checkpoints');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30000);

  it('refuses to start on a database whose applied migration was edited, in one line', async () => {
    const dataDir = join(dir, 'edited-migration');
    expect((await runCli(['config'], { MESHID_DATA_DIR: dataDir })).code).toBe(0);
    const first = spawnCli(['serve', '--port', '0'], { MESHID_DATA_DIR: dataDir });
    await new Promise<void>((resolve) => first.stdout!.on('data', (chunk) => String(chunk).includes('health:') && resolve()));
    first.kill('SIGTERM');
    await new Promise((resolve) => first.on('exit', resolve));
    const db = new Database(join(dataDir, 'meshid.db'));
    db.prepare(`UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1`).run();
    db.close();
    const result = await runCli(['serve', '--port', '0'], { MESHID_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('0001_projection_checkpoints.sql was edited after it was applied');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
  }, 30000);

  it('says so in one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await runCli(['serve', '--port', String(port)], { MESHID_DATA_DIR: join(dir, 'port-taken') });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  }, 30000);
});
