import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AdminModule } from '../admin.module.js';

/** Where the admin API is described: the browsable page, and the document itself. */
export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs/openapi.json';

/**
 * Serves the OpenAPI description of the admin API, built from its controllers and DTOs, at
 * /api/docs (Swagger UI, its assets from the installed package, no CDN) and as JSON. The
 * description is public: it says what the API does, and every call still needs an admin.
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
  const document = () => SwaggerModule.createDocument(app, config, { include: [AdminModule] });
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, yamlDocumentUrl: 'api/docs/openapi.yaml', customSiteTitle: 'meshid admin API' });
}
