import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { ClientMetadata, ClientMetadataInput } from '../domain/client-metadata.js';
import type { ClientCommandResult } from './client-stream.js';

export interface CreateClientResult extends ClientCommandResult {
  metadata: ClientMetadata;
  /** The plaintext secret, returned this once and never stored; absent for a public client. */
  clientSecret?: string;
  /** The plaintext registration access token (RFC 7592), when one was asked for; returned this once. */
  registrationAccessToken?: string;
}

export interface CreateClientOptions {
  /**
   * Issue a registration access token (RFC 7592): a random secret, of which only the digest is
   * stored, that lets the client read, update and delete its own registration. Dynamic
   * registration asks for one; clients an administrator creates have none.
   */
  registrationAccessToken?: boolean;
}

/**
 * Registers a client. The server chooses its id unless `clientId` is given (imports keep their
 * ids); either way the id can be taken only once. Likewise its secret, unless `clientSecret` is
 * given (imports keep their secrets; see `newClientSecret`); only its digest is stored.
 */
export class CreateClientCommand extends Command<CreateClientResult> {
  constructor(
    readonly metadata: ClientMetadataInput,
    readonly context: CommandContext,
    readonly clientId?: string,
    readonly clientSecret?: string,
    readonly options: CreateClientOptions = {},
  ) {
    super();
  }
}
