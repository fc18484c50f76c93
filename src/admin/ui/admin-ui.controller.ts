import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../common/http/html/html.js';
import { sendStaticFile } from '../../common/http/static-files.js';
import { AdminApiError } from '../api/admin-api.js';
import { AdminAccess } from '../http/admin-access.js';
import { loadUiAssets } from './ui-assets.js';

const CSRF_PLACEHOLDER = '{{CSRF_TOKEN}}';

/**
 * The page may run only its own scripts and styles and talk only to this origin; no other site
 * may frame it (clickjacking), and no form may post anywhere (the UI uses fetch).
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * The admin web UI at `/`, served by meshid itself: one page whose script drives the admin API,
 * so the API is the only way the UI changes anything. The page is served only to an
 * administrator (AdminAccess.browserIdentity) and carries that person's CSRF token.
 */
@ApiExcludeController()
@Controller()
export class AdminUiController {
  private readonly assets = loadUiAssets();

  constructor(private readonly access: AdminAccess) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-store' });
    let token: string;
    try {
      token = this.access.csrfToken(await this.access.browserIdentity(request));
    } catch (error) {
      if (!(error instanceof AdminApiError)) throw error;
      await reply.status(error.status).type('text/html; charset=utf-8').send(refusalPage(error));
      return;
    }
    const html = this.assets.get('index.html')!.body.toString('utf8').replaceAll(CSRF_PLACEHOLDER, escapeHtml(token));
    await reply.type('text/html; charset=utf-8').send(html);
  }

  /** The UI's scripts and styles: public (they hold no data), revalidated by ETag. */
  @Get('ui/:file')
  async asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const asset = file === 'index.html' ? undefined : this.assets.get(file);
    if (asset === undefined) throw new AdminApiError('not_found', `no such file: /ui/${file.slice(0, 100)}`);
    await sendStaticFile(request, reply, asset, PAGE_HEADERS);
  }
}

function refusalPage(error: AdminApiError): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>meshid admin</title></head>
<body><main><h1>meshid admin</h1><p role="alert">${escapeHtml(error.description)}</p></main></body></html>`;
}
