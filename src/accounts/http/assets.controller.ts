import { join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadStaticFiles, sendStaticFile } from '../../common/http/static-files.js';

/**
 * `GET /login/assets/<file>`: the sign-in pages' script (assets/passkey.js), from meshid's own
 * origin, so the pages can keep `script-src 'self'` with nothing inline.
 */
@Controller('login/assets')
export class AccountsAssetsController {
  private readonly assets = loadStaticFiles(join('src', 'accounts', 'http', 'assets'), "the sign-in pages' scripts");

  @Get(':file')
  async asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const asset = this.assets.get(file);
    if (asset === undefined) throw new NotFoundException();
    await sendStaticFile(request, reply, asset);
  }
}
