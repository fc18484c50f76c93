import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { isConfidential } from '../domain/client-metadata.js';
import { ClientHasNoSecretError } from '../domain/client.errors.js';
import { ClientEventType, type ClientSecretRotatedData } from '../domain/client.events.js';
import { appendClientEvents, loadActiveClient } from './client-stream.js';
import { RegenerateClientSecretCommand, type RegenerateClientSecretResult } from './regenerate-client-secret.command.js';

@CommandHandler(RegenerateClientSecretCommand)
export class RegenerateClientSecretHandler implements ICommandHandler<RegenerateClientSecretCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  async execute({ clientId, context, expectedRevision }: RegenerateClientSecretCommand): Promise<RegenerateClientSecretResult> {
    const { client, revision } = await loadActiveClient(this.store, clientId, expectedRevision);
    if (!isConfidential(client.metadata.token_endpoint_auth_method)) throw new ClientHasNoSecretError(clientId);
    const clientSecret = SecretHasher.generate();
    const data: ClientSecretRotatedData = { clientId, secretDigest: this.hasher.digest(clientSecret) };
    // At the loaded revision: of two concurrent rotations one wins, the other is refused as stale.
    const result = await appendClientEvents(this.store, clientId, revision, [{ type: ClientEventType.SecretRotated, data }], context);
    return { ...result, clientSecret };
  }
}
