import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientLookup } from '../../clients/client-lookup.js';
import { ClientDirectory, type RegisteredClient } from '../../clients/read-model/client-directory.js';
import { type FormParameters } from './form-parameters.js';
import { invalidClient, presentedCredentials } from './client-authentication.js';

/**
 * Authenticates the client of a token, introspection or revocation request against the
 * directory (in memory, secrets compared in constant time). It runs before anything touches a
 * code or a grant, so a failed attempt changes nothing (x/oauth2's AutoDetect retries with the
 * other method and must still find its code).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly directory: ClientDirectory,
    private readonly lookup: ClientLookup,
  ) {}

  async authenticate(request: FastifyRequest, form: FormParameters, options: { allowPublic: boolean }): Promise<RegisteredClient> {
    const presented = presentedCredentials(request.headers.authorization, form);
    // Only a client presenting no secret can be a metadata-document client: a secret is checked
    // against the directory alone, so no credential ever makes meshid fetch a URL.
    const client = presented.method === 'none' ? (await this.lookup.find(presented.clientId)).client : this.directory.find(presented.clientId);
    if (client === undefined) throw invalidClient('unknown client or wrong credentials');
    // A confidential client may present its secret by Basic or in the body, whichever it was
    // registered with: both prove the same secret, and relying parties differ (Grafana's
    // InParams, x/oauth2's AutoDetect). A public client has no secret to present.
    const confidential = client.metadata.token_endpoint_auth_method !== 'none';
    if (presented.method === 'none') {
      if (confidential) throw invalidClient('this client must authenticate with its client secret');
      if (!options.allowPublic) throw invalidClient('this endpoint needs an authenticated (confidential) client');
      return client;
    }
    if (!confidential) throw invalidClient('a public client has no secret; send client_id only');
    if (!this.directory.verifySecret(client.clientId, presented.secret!)) throw invalidClient('unknown client or wrong credentials');
    return client;
  }
}
