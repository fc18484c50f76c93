import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A file served as it is on disk, read once at start. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The files of `dir` (relative to the package root, beside `package.json`) whose type is known
 * and whose name is plain, read once into memory: a fixed set of names, so a request can never
 * name a path outside it. The same files serve from the sources (tests) and from a build (`dist`
 * is beside `src` under the package root). `what` names them in the error if they are missing.
 */
export function loadStaticFiles(dir: string, what: string, start = dirname(fileURLToPath(import.meta.url))): Map<string, StaticFile> {
  const found = findDir(dir, what, start);
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(found)) {
    const contentType = TYPES[extname(name)];
    if (contentType === undefined || !/^[a-z0-9][a-z0-9.-]*$/.test(name)) continue;
    const body = readFileSync(join(found, name));
    files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return files;
}

function findDir(relative: string, what: string, start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`${what} (${relative}) were not found beside a package.json above ${start}`);
}

/**
 * Sends a static file: public (it holds no data) but revalidated by ETag, so a new version is
 * picked up at once; `headers` add the caller's (a CSP...).
 */
export async function sendStaticFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  reply.headers({ 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin', ...headers, 'cache-control': 'no-cache', etag: file.etag });
  if (request.headers['if-none-match'] === file.etag) return void (await reply.status(304).send());
  await reply.type(file.contentType).send(file.body);
}
