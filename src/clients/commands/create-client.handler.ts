import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '#event-store';
import { appendDecision } from '../../common/event-sourcing/aggregate-stream.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { assertClientId, clientStream, generateClientId } from '../domain/client-id.js';
import { validateClientMetadata } from '../domain/client-metadata.js';
import { newClientSecret } from '../domain/client-secret.js';
import { ClientAlreadyExistsError, InvalidClientMetadataError } from '../domain/client.errors.js';
import { ClientEventType, type ClientRegisteredData } from '../domain/client.events.js';
import { CreateClientCommand, type CreateClientResult } from './create-client.command.js';

@CommandHandler(CreateClientCommand)
export class CreateClientHandler implements ICommandHandler<CreateClientCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  async execute({ metadata: input, context, clientId: givenId, clientSecret: givenSecret, options }: CreateClientCommand): Promise<CreateClientResult> {
    const validation = validateClientMetadata(input);
    if (!validation.ok) throw new InvalidClientMetadataError(validation.errors);
    const { metadata } = validation;
    const clientId = givenId === undefined ? generateClientId() : assertClientId(givenId);
    const clientSecret = newClientSecret(metadata.token_endpoint_auth_method, givenSecret);
    const registrationAccessToken = options.registrationAccessToken ? SecretHasher.generate() : undefined;
    const data: ClientRegisteredData = {
      clientId,
      metadata,
      secretDigest: clientSecret === undefined ? null : this.hasher.digest(clientSecret),
      ...(registrationAccessToken === undefined ? {} : { registrationTokenDigest: this.hasher.digest(registrationAccessToken) }),
    };
    try {
      // Gate: appended with no_stream (no revision loaded), so an id is registered once, ever.
      const result = await appendDecision(this.store, clientStream(clientId), { revision: undefined }, [{ type: ClientEventType.Registered, data }], context);
      return {
        clientId,
        revision: result.nextExpectedRevision,
        position: result.position,
        metadata,
        ...(clientSecret ? { clientSecret } : {}),
        ...(registrationAccessToken ? { registrationAccessToken } : {}),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ClientAlreadyExistsError(clientId);
      throw error;
    }
  }
}
