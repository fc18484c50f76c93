import type Database from 'better-sqlite3';
import type { RecordedEvent } from '#event-store';
import type { Projection } from '#projections';
import { ReadModelProjection } from '../../storage/storage.tokens.js';
import { CLIENT_STREAM_PREFIX } from '../domain/client-id.js';
import { ClientEventType, MalformedClientEventError, parseClientEvent } from '../domain/client.events.js';
import { ClientDirectory } from './client-directory.js';

/**
 * The `clients` table, and through it ClientDirectory's in-memory index. Every write is keyed by
 * client id and sets whole values, so replaying an event gives the same row.
 */
@ReadModelProjection()
export class ClientsProjection implements Projection {
  readonly name = 'clients';
  readonly tables = ['clients'] as const;
  readonly filter = { streamNamePrefixes: [CLIENT_STREAM_PREFIX] };

  constructor(private readonly directory: ClientDirectory) {}

  apply(recorded: RecordedEvent, db: Database.Database): void {
    const event = parseClientEvent(recorded);
    if (event === null) return;
    if (recorded.stream !== `${CLIENT_STREAM_PREFIX}${event.data.clientId}`) {
      throw new MalformedClientEventError(`${recorded.type} names client ${event.data.clientId} but is in stream ${recorded.stream}`);
    }
    const row = { id: event.data.clientId, revision: recorded.revision, at: recorded.createdAt.toISOString() };
    switch (event.type) {
      case ClientEventType.Registered:
        db.prepare(
          `INSERT OR REPLACE INTO clients (client_id, client_name, metadata, secret_digest, revision, created_at, updated_at)
           VALUES (@id, @name, @metadata, @digest, @revision, @at, @at)`,
        ).run({ ...row, name: event.data.metadata.client_name, metadata: JSON.stringify(event.data.metadata), digest: event.data.secretDigest });
        break;
      case ClientEventType.Updated:
        db.prepare(
          `UPDATE clients SET client_name = @name, metadata = @metadata, revision = @revision, updated_at = @at,
             secret_digest = CASE WHEN @public THEN NULL ELSE secret_digest END
           WHERE client_id = @id`,
        ).run({
          ...row,
          name: event.data.metadata.client_name,
          metadata: JSON.stringify(event.data.metadata),
          public: event.data.metadata.token_endpoint_auth_method === 'none' ? 1 : 0,
        });
        break;
      case ClientEventType.SecretRotated:
        db.prepare(`UPDATE clients SET secret_digest = @digest, revision = @revision, updated_at = @at WHERE client_id = @id`).run({
          ...row,
          digest: event.data.secretDigest,
        });
        break;
      case ClientEventType.Deleted:
        db.prepare(`DELETE FROM clients WHERE client_id = @id`).run({ id: row.id });
        break;
    }
  }

  load(): void {
    this.directory.onModuleInit();
  }

  /** Every replica's ClientDirectory re-reads the committed row, whoever wrote it. */
  observe(recorded: RecordedEvent, db: Database.Database): void {
    const event = parseClientEvent(recorded);
    if (event !== null) this.directory.refresh(db, event.data.clientId);
  }
}
