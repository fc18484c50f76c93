import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the UI's files live, relative to the package root (beside `package.json`). */
const ASSETS_DIR = join('src', 'admin', 'ui', 'assets');
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface UiAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The admin UI's static files, read once at start into memory: a fixed set of names, so a
 * request can never name a path outside it. The same files serve from the sources (tests) and
 * from a build (`dist` is beside `src` under the package root).
 */
export function loadUiAssets(start = dirname(fileURLToPath(import.meta.url))): Map<string, UiAsset> {
  const dir = findAssetsDir(start);
  const assets = new Map<string, UiAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = TYPES[extname(name)];
    if (contentType === undefined || !/^[a-z0-9][a-z0-9.-]*$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  if (!assets.has('index.html')) throw new Error(`the admin UI has no index.html in ${dir}`);
  return assets;
}

function findAssetsDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ASSETS_DIR);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`the admin UI's files (${ASSETS_DIR}) were not found beside a package.json above ${start}`);
}
