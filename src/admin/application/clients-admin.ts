import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { CreateClientCommand } from '../../clients/commands/create-client.command.js';
import { DeleteClientCommand } from '../../clients/commands/delete-client.command.js';
import { RegenerateClientSecretCommand } from '../../clients/commands/regenerate-client-secret.command.js';
import { UpdateClientCommand } from '../../clients/commands/update-client.command.js';
import { clientStream } from '../../clients/domain/client-id.js';
import { type ClientMetadata, isConfidential } from '../../clients/domain/client-metadata.js';
import { ClientNotFoundError } from '../../clients/domain/client.errors.js';
import { ClientDirectory, type RegisteredClient } from '../../clients/read-model/client-directory.js';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import { decodeCursor, encodeCursor } from '../../common/page-cursor.js';
import { AdminApiError, type ClientChanges, type ClientQuery, type ClientView, type ClientWithSecret, type NewClient, type NewSecret, type Page } from '../api/admin-api.js';
import { ReadYourWrites } from './read-your-writes.js';
import { clientView } from './views.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const CLIENTS_PROJECTIONS = ['clients'] as const;

/** The directory's order: name, then id. */
const byNameThenId = (a: readonly [string, string], b: readonly [string, string]) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);

/** Client administration: the admin API's clients, on the same commands as the CLI and RFC 7592. */
@Injectable()
export class ClientsAdmin {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: ClientDirectory,
    private readonly settled: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Keyset paging over the directory's order; `q` matches the id, the name or a redirect URI. */
  list(query: ClientQuery): Page<ClientView> {
    const limit = pageSize(query.limit);
    let after: [string, string] | undefined;
    if (query.cursor !== undefined) {
      const key = decodeCursor(query.cursor, 2);
      if (key === null) throw new AdminApiError('invalid_request', 'cursor is not one this server gave', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
      after = [key[0]!, key[1]!];
    }
    const needle = query.q?.trim().toLowerCase();
    const matching = this.directory.list().filter((client) => (needle ? matches(client, needle) : true) && (after === undefined || byNameThenId([client.metadata.client_name, client.clientId], after) > 0));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(clientView),
      next_cursor: matching.length > limit && last ? encodeCursor([last.metadata.client_name, last.clientId]) : null,
    };
  }

  get(clientId: string): ClientView {
    const client = this.directory.find(clientId);
    if (client === undefined) throw new ClientNotFoundError(clientId);
    return clientView(client);
  }

  async create(input: NewClient, context: CommandContext): Promise<ClientWithSecret> {
    const { client_id: clientId, ...metadata } = input;
    const result = await this.commands.execute(new CreateClientCommand(metadata, context, clientId));
    await this.settled.settle(result.position, CLIENTS_PROJECTIONS);
    return { ...this.viewAfterWrite(result), ...(result.clientSecret ? { client_secret: result.clientSecret } : {}) };
  }

  async update(clientId: string, changes: ClientChanges, expectedRevision: number, context: CommandContext): Promise<ClientWithSecret> {
    const result = await this.commands.execute(new UpdateClientCommand(clientId, changes, context, BigInt(expectedRevision)));
    await this.settled.settle(result.position, CLIENTS_PROJECTIONS);
    return { ...this.viewAfterWrite(result), ...(result.clientSecret ? { client_secret: result.clientSecret } : {}) };
  }

  async remove(clientId: string, expectedRevision: number | undefined, context: CommandContext): Promise<void> {
    const result = await this.commands.execute(new DeleteClientCommand(clientId, context, revisionOf(expectedRevision)));
    await this.settled.settle(result.position, CLIENTS_PROJECTIONS);
  }

  async regenerateSecret(clientId: string, expectedRevision: number | undefined, context: CommandContext): Promise<NewSecret> {
    const result = await this.commands.execute(new RegenerateClientSecretCommand(clientId, context, revisionOf(expectedRevision)));
    await this.settled.settle(result.position, CLIENTS_PROJECTIONS);
    return { client_id: clientId, client_secret: result.clientSecret, revision: Number(result.revision) };
  }

  /** The client's own stream, newest first (every admin change, with who made it). */
  async history(clientId: string, limit: number) {
    const events = [];
    for await (const event of this.store.readStream(clientStream(clientId), { direction: 'backwards', fromRevision: 'end', maxCount: limit })) events.push(event);
    return events;
  }

  /**
   * The client as the directory holds it once the write settled; if the read model still lags
   * (settle timed out), as the write itself described it, with the write's time as approximation.
   */
  private viewAfterWrite(result: { clientId: string; revision: bigint; metadata: ClientMetadata }): ClientView {
    const client = this.directory.find(result.clientId);
    if (client !== undefined && client.revision >= result.revision) return clientView(client);
    const now = new Date().toISOString();
    return {
      client_id: result.clientId,
      ...result.metadata,
      confidential: isConfidential(result.metadata.token_endpoint_auth_method),
      revision: Number(result.revision),
      created_at: client?.createdAt ?? now,
      updated_at: now,
    };
  }
}

function matches(client: RegisteredClient, needle: string): boolean {
  return (
    client.clientId.toLowerCase().includes(needle) ||
    client.metadata.client_name.toLowerCase().includes(needle) ||
    client.metadata.redirect_uris.some((uri) => uri.toLowerCase().includes(needle))
  );
}

export function pageSize(limit: number | undefined): number {
  return limit === undefined ? DEFAULT_PAGE_SIZE : Math.min(Math.max(1, Math.floor(limit)), MAX_PAGE_SIZE);
}

const revisionOf = (revision: number | undefined) => (revision === undefined ? undefined : BigInt(revision));
