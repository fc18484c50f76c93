// The TypeScript hooks of typescript-hooks.mjs with swc's output cached on disk, keyed by the
// file's path and text, the .swcrc and the swc version: a meshid the crash-safety test restarts
// twenty times transpiles its sources once, not at every start (2.6 s → about 1 s a start).
//   node --conditions=source --import ./test/support/crash-typescript-cache.mjs src/main.ts
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (!process.env.CRASH_TS_CACHE_HOOKS_REGISTERED) {
  // Run as --import: register this same file as the hooks module.
  process.env.CRASH_TS_CACHE_HOOKS_REGISTERED = '1';
  register(import.meta.url, import.meta.url);
}

export { resolve } from './typescript-hooks.mjs';

const CACHE = join(tmpdir(), `meshid-swc-cache-${process.getuid?.() ?? 'user'}`);
let salt;

async function saltOf() {
  if (salt === undefined) {
    const swc = await import('@swc/core');
    const swcrc = readFileSync(fileURLToPath(new URL('../../.swcrc', import.meta.url)), 'utf8');
    salt = `${swc.version}\0${swcrc}`;
  }
  return salt;
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const text = await readFile(filename, 'utf8');
  const key = createHash('sha256').update(await saltOf()).update('\0').update(filename).update('\0').update(text).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // Not cached yet.
  }
  const swc = await import('@swc/core');
  const { code } = await swc.transform(text, { filename, swcrc: true });
  await mkdir(CACHE, { recursive: true });
  // Written aside then renamed: processes starting together never read a half-written entry.
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(partial, code);
  await rename(partial, cached);
  return { format: 'module', source: code, shortCircuit: true };
}
