import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

/**
 * swc's output, cached on disk by the file's path and text, the .swcrc and swc's version: the
 * suites start meshid as a child process hundreds of times (the crash-safety test alone forty),
 * and transpiling every source at every start was most of each start.
 */
const CACHE = join(tmpdir(), `meshid-swc-cache-${process.getuid?.() ?? 'user'}`);
const SALT = `${swc.version}\0${readFileSync(fileURLToPath(new URL('../../.swcrc', import.meta.url)), 'utf8')}`;

/** Relative imports name the emitted `.js` file (nodenext style); fall back to the `.ts` source. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (specifier.startsWith('.') && specifier.endsWith('.js')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const text = await readFile(filename, 'utf8');
  const key = createHash('sha256').update(SALT).update('\0').update(filename).update('\0').update(text).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // Not cached yet.
  }
  const { code } = await swc.transform(text, { filename, swcrc: true });
  await mkdir(CACHE, { recursive: true });
  // Written aside then renamed: processes starting together never read a half-written entry.
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(partial, code);
  await rename(partial, cached);
  return { format: 'module', source: code, shortCircuit: true };
}
