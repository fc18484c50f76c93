import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';

/** Server-wide secrets. Neither ever appears in an event, a log line or a stream name. */
export interface ServerSecrets {
  /** Key of the HMAC-SHA-256 that client secrets, codes and refresh tokens are stored under. */
  pepper: Buffer;
  /** Key-encryption key (AES-256-GCM) for private signing keys; its id is recorded in events. */
  kek: { id: string; key: Buffer };
}

export interface PreparedDataDirectory {
  secrets: ServerSecrets;
  /** What this start created (the first-run message lists it). */
  created: string[];
  warnings: string[];
}

export const PEPPER_FILE = 'pepper.key';
export const KEK_FILE = 'kek.json';
const KEY_BYTES = 32;

/**
 * Makes the data directory (0700) and its secret files (0600) on first start, and loads them on
 * every start. A secret file is written under a temporary name and hard-linked into place, so it
 * appears complete or not at all, and an existing one is never overwritten, even when two
 * processes start at once on one directory.
 */
export function prepareDataDirectory(dir: string): PreparedDataDirectory {
  const created: string[] = [];
  const warnings: string[] = [];
  try {
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) {
      chmodSync(dir, 0o700);
      created.push(dir);
    }
  } catch (error) {
    throw new ConfigError([`dataDir: cannot create ${dir}: ${(error as Error).message}`]);
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new ConfigError([`dataDir: ${dir} exists and is not a directory`]);
  if ((stat.mode & 0o077) !== 0) {
    warnings.push(`data directory ${dir} is accessible by other users (mode ${octal(stat.mode)}); chmod 700 is recommended`);
  }

  const pepperPath = join(dir, PEPPER_FILE);
  if (createOnce(pepperPath, `${randomBytes(KEY_BYTES).toString('base64url')}\n`)) created.push(pepperPath);
  const kekPath = join(dir, KEK_FILE);
  const kekDocument = { id: `kek-${randomBytes(6).toString('hex')}`, key: randomBytes(KEY_BYTES).toString('base64url') };
  if (createOnce(kekPath, `${JSON.stringify(kekDocument, null, 2)}\n`)) created.push(kekPath);

  return { secrets: { pepper: readPepper(pepperPath), kek: readKek(kekPath) }, created, warnings };
}

/** Creates `path` with `content` (mode 0600) unless it exists; true if this call created it. */
function createOnce(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new ConfigError([`dataDir: cannot write in ${path}: ${(error as Error).message}`]);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ConfigError([`dataDir: cannot create ${path}: ${(error as Error).message}`]);
  } finally {
    unlinkSync(temporary);
  }
}

function readSecretFile(path: string): string {
  const stat = statSync(path);
  if ((stat.mode & 0o077) !== 0) {
    throw new ConfigError([`${path} is readable by other users (mode ${octal(stat.mode)}); run: chmod 600 ${path}`]);
  }
  return readFileSync(path, 'utf8');
}

function decodeKey(path: string, text: unknown): Buffer {
  const key = typeof text === 'string' && /^[A-Za-z0-9_-]{43}$/.test(text) ? Buffer.from(text, 'base64url') : undefined;
  if (key?.length !== KEY_BYTES) {
    throw new ConfigError([`${path} does not hold a ${KEY_BYTES}-byte base64url key; restore it from backup (a new key would orphan existing data)`]);
  }
  return key;
}

function readPepper(path: string): Buffer {
  return decodeKey(path, readSecretFile(path).trim());
}

function readKek(path: string): ServerSecrets['kek'] {
  let document: { id?: unknown; key?: unknown };
  try {
    document = JSON.parse(readSecretFile(path));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${path} is not valid JSON; restore it from backup`]);
  }
  if (typeof document?.id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(document.id)) {
    throw new ConfigError([`${path}: "id" must be 1-64 characters of letters, digits, ".", "_" or "-"`]);
  }
  return { id: document.id, key: decodeKey(path, document.key) };
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
