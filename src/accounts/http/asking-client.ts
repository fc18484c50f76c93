import { Injectable } from '@nestjs/common';
import { ClientLookup } from '../../clients/client-lookup.js';
import type { AskingClient } from './login-page.js';

/** The `client_id` of a validated return_to (an `/authorize?...` path), or undefined. */
export function clientIdOf(returnTo: string | null): string | undefined {
  if (returnTo === null) return undefined;
  const clientId = new URL(returnTo, 'http://meshid.invalid').searchParams.get('client_id');
  return clientId !== null && clientId !== '' ? clientId : undefined;
}

/**
 * Which application a sign-in is for, named as its registration names it, so the person knows
 * what they are signing in to. Unknown clients are not named: /authorize will refuse them anyway.
 */
@Injectable()
export class AskingClients {
  constructor(private readonly clients: ClientLookup) {}

  async of(returnTo: string | null): Promise<AskingClient | null> {
    const clientId = clientIdOf(returnTo);
    if (clientId === undefined) return null;
    const { client } = await this.clients.find(clientId);
    if (client === undefined) return null;
    return this.clients.isMetadataDocumentClient(client) ? { name: client.metadata.client_name, describedAt: client.clientId } : { name: client.metadata.client_name };
  }
}
