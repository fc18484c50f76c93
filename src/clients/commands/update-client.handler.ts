import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type NewEvent } from '#event-store';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { type ClientMetadataInput, isConfidential, validateClientMetadata } from '../domain/client-metadata.js';
import { InvalidClientMetadataError } from '../domain/client.errors.js';
import { ClientEventType } from '../domain/client.events.js';
import { appendClientEvents, loadActiveClient } from './client-stream.js';
import { UpdateClientCommand, type UpdateClientResult } from './update-client.command.js';

@CommandHandler(UpdateClientCommand)
export class UpdateClientHandler implements ICommandHandler<UpdateClientCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  async execute({ clientId, changes, context, expectedRevision }: UpdateClientCommand): Promise<UpdateClientResult> {
    const { client, revision } = await loadActiveClient(this.store, clientId, expectedRevision);
    const merged: ClientMetadataInput = { ...client.metadata, ...changes };
    // Becoming public forces PKCE unless the caller says otherwise (and is then refused).
    if (changes.token_endpoint_auth_method === 'none' && changes.require_pkce === undefined) merged.require_pkce = true;
    const validation = validateClientMetadata(merged);
    if (!validation.ok) throw new InvalidClientMetadataError(validation.errors);
    const { metadata } = validation;
    const events: Omit<NewEvent, 'metadata'>[] = [];
    if (JSON.stringify(metadata) !== JSON.stringify(client.metadata)) {
      events.push({ type: ClientEventType.Updated, data: { clientId, metadata } });
    }
    // A public client made confidential gets its first secret in the same atomic append.
    const clientSecret = client.secretDigest === null && isConfidential(metadata.token_endpoint_auth_method) ? SecretHasher.generate() : undefined;
    if (clientSecret !== undefined) events.push({ type: ClientEventType.SecretRotated, data: { clientId, secretDigest: this.hasher.digest(clientSecret) } });
    // No change appends nothing; the empty append still checks the revision.
    const result = await appendClientEvents(this.store, clientId, revision, events, context);
    return { ...result, metadata, ...(clientSecret ? { clientSecret } : {}) };
  }
}
