import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where the scripts live, relative to the package root (beside `package.json`), in sources and builds alike. */
const ASSETS_DIR = join('src', 'accounts', 'http', 'assets');
/** The files served: a fixed list, so a request can never name another path. */
const FILES = ['passkey.js'] as const;

interface Asset {
  body: Buffer;
  etag: string;
}

/**
 * `GET /login/assets/<file>`: the sign-in pages' script, from meshid's own origin, so the pages
 * can keep `script-src 'self'` with nothing inline. Public (it holds no data), revalidated by ETag.
 */
@Controller('login/assets')
export class AccountsAssetsController {
  private readonly assets = loadAssets();

  @Get(':file')
  async asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const asset = this.assets.get(file);
    if (asset === undefined) throw new NotFoundException();
    reply.headers({ 'cache-control': 'no-cache', etag: asset.etag, 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin' });
    if (request.headers['if-none-match'] === asset.etag) return void (await reply.status(304).send());
    await reply.type('text/javascript; charset=utf-8').send(asset.body);
  }
}

function loadAssets(): Map<string, Asset> {
  const dir = findAssetsDir(dirname(fileURLToPath(import.meta.url)));
  const assets = new Map<string, Asset>();
  for (const name of FILES) {
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

function findAssetsDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ASSETS_DIR);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`the sign-in pages' scripts (${ASSETS_DIR}) were not found beside a package.json above ${start}`);
}
