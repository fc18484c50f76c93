import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { KEK_FILE, PEPPER_FILE, prepareDataDirectory } from './data-directory.js';

const root = mkdtempSync(join(tmpdir(), 'meshid-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `data-${++n}`, 'nested');

describe('prepareDataDirectory', () => {
  it('creates the directory 0700 and the pepper and KEK 0600 on first start', () => {
    const dir = fresh();
    const { created, secrets } = prepareDataDirectory(dir);
    expect(created).toEqual([dir, join(dir, PEPPER_FILE), join(dir, KEK_FILE)]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, PEPPER_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, KEK_FILE)).mode & 0o777).toBe(0o600);
    expect(secrets.pepper).toHaveLength(32);
    expect(secrets.kek.key).toHaveLength(32);
    expect(secrets.kek.id).toMatch(/^kek-[0-9a-f]{12}$/);
  });

  it('never overwrites existing secrets', () => {
    const dir = fresh();
    const first = prepareDataDirectory(dir);
    const pepperText = readFileSync(join(dir, PEPPER_FILE), 'utf8');
    const second = prepareDataDirectory(dir);
    expect(second.created).toEqual([]);
    expect(second.secrets.pepper.equals(first.secrets.pepper)).toBe(true);
    expect(second.secrets.kek).toEqual(first.secrets.kek);
    expect(readFileSync(join(dir, PEPPER_FILE), 'utf8')).toBe(pepperText);
  });

  it('refuses a secret file readable by others, saying how to fix it', () => {
    const dir = fresh();
    prepareDataDirectory(dir);
    chmodSync(join(dir, PEPPER_FILE), 0o644);
    expect(() => prepareDataDirectory(dir)).toThrow(`chmod 600 ${join(dir, PEPPER_FILE)}`);
  });

  it('refuses corrupt secrets instead of replacing them', () => {
    const dir = fresh();
    prepareDataDirectory(dir);
    writeFileSync(join(dir, PEPPER_FILE), 'short\n');
    expect(() => prepareDataDirectory(dir)).toThrow(ConfigError);
    expect(readFileSync(join(dir, PEPPER_FILE), 'utf8')).toBe('short\n');
    const other = fresh();
    prepareDataDirectory(other);
    writeFileSync(join(other, KEK_FILE), '{"id": 5}');
    expect(() => prepareDataDirectory(other)).toThrow(`${join(other, KEK_FILE)}: "id" must be`);
    writeFileSync(join(other, KEK_FILE), 'not json');
    expect(() => prepareDataDirectory(other)).toThrow('is not valid JSON');
  });

  it('refuses a data directory path that is a file', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    expect(() => prepareDataDirectory(file)).toThrow(ConfigError);
  });
});
