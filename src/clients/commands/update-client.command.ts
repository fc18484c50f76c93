import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ClientMetadata, ClientMetadataInput } from '../domain/client-metadata.js';
import type { ClientCommandResult } from './client-stream.js';

export interface UpdateClientResult extends ClientCommandResult {
  metadata: ClientMetadata;
  /** Set only when the update made a public client confidential: its first secret, shown once. */
  clientSecret?: string;
}

/**
 * Changes the fields named in `changes` (the others keep their values); list fields are replaced
 * whole. `expectedRevision` is the ETag the caller saw: if the client has changed since, the
 * update is refused as stale.
 */
export class UpdateClientCommand extends Command<UpdateClientResult> {
  constructor(
    readonly clientId: string,
    readonly changes: ClientMetadataInput,
    readonly context: CommandContext,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}
