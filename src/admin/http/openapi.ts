import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AuditExportModule } from '../../audit/export/audit-export.module.js';
import { AdminModule } from '../admin.module.js';

/** Where the admin API is described: the browsable page, and the document itself. */
export const OPENAPI_PATH = '/api/docs';
export const OPENAPI_JSON_PATH = '/api/docs/openapi.json';

/** Swagger UI's own files, from the installed swagger-ui-dist (no CDN). */
const UI_FILES = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8' } as const;

/** Its start script: a file, not inline, so the page keeps a CSP without 'unsafe-inline' scripts. */
const INIT_SCRIPT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({ url: '${OPENAPI_JSON_PATH}', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>meshid admin API</title>
<link rel="stylesheet" href="${OPENAPI_PATH}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${OPENAPI_PATH}/swagger-ui-bundle.js"></script><script src="${OPENAPI_PATH}/init.js"></script></body>
</html>
`;

/** Swagger UI styles some elements inline; nothing else is loosened. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
} as const;

/**
 * Serves the OpenAPI description of the admin API, built from its controllers and DTOs, as JSON
 * and as a Swagger UI page. It is public: it says what the API does, and every call of the API
 * still needs an administrator.
 */
export function serveOpenApi(app: NestFastifyApplication, issuer: string): void {
  const config = new DocumentBuilder()
    .setTitle('meshid admin API')
    .setDescription(
      'Clients, signing keys, grants and registration tokens of a meshid identity provider. Call it with ' +
        '`Authorization: Bearer <access token>` from a client_credentials client granted the `meshid:admin` scope, or from the admin web UI.',
    )
    .setVersion('1')
    .addServer(issuer.replace(/\/+$/, ''))
    .addBearerAuth()
    .build();
  const document = JSON.stringify(SwaggerModule.createDocument(app, config, { include: [AdminModule, AuditExportModule] }));
  const uiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = new Map<string, { body: Buffer | string; type: string }>([
    ['openapi.json', { body: document, type: 'application/json; charset=utf-8' }],
    ['init.js', { body: INIT_SCRIPT, type: 'text/javascript; charset=utf-8' }],
    ...Object.entries(UI_FILES).map(([name, type]) => [name, { body: readFileSync(join(uiDir, name)), type }] as const),
  ]);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(OPENAPI_PATH, async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(PAGE));
  fastify.get<{ Params: { file: string } }>(`${OPENAPI_PATH}/:file`, async (request, reply) => {
    const file = files.get(request.params.file);
    if (file === undefined) {
      return reply.status(404).headers({ 'cache-control': 'no-store' }).type('application/json').send({ error: 'not_found', error_description: `no such file: ${OPENAPI_PATH}/${request.params.file.slice(0, 100)}` });
    }
    return reply.headers(PAGE_HEADERS).type(file.type).send(file.body);
  });
}
