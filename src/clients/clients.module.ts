import { Module } from '@nestjs/common';
import { ClientLookup } from './client-lookup.js';
import { CreateClientHandler } from './commands/create-client.handler.js';
import { DeleteClientHandler } from './commands/delete-client.handler.js';
import { RegenerateClientSecretHandler } from './commands/regenerate-client-secret.handler.js';
import { UpdateClientHandler } from './commands/update-client.handler.js';
import { ClientDirectory } from './read-model/client-directory.js';
import { ClientsProjection } from './read-model/clients.projection.js';

/**
 * OAuth clients: their commands (through the CommandBus), the `clients` read model, and the
 * ClientDirectory every other module uses to check a secret, and ClientLookup, which also finds
 * clients described by metadata documents.
 */
@Module({
  providers: [CreateClientHandler, UpdateClientHandler, RegenerateClientSecretHandler, DeleteClientHandler, ClientsProjection, ClientDirectory, ClientLookup],
  exports: [ClientDirectory, ClientLookup],
})
export class ClientsModule {}
