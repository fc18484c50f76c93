import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { ReadModelDatabase } from '#projections';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { READ_MODEL_DATABASE } from '../../storage/storage.tokens.js';
import { type ClientMetadata, isConfidential } from '../domain/client-metadata.js';

/** A registered client as the rest of meshid sees it. Frozen: shared by every request. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly metadata: Readonly<ClientMetadata>;
  /** It authenticates with a secret (token_endpoint_auth_method is not none). */
  readonly confidential: boolean;
  /** Revision of its stream's last event: the ETag for If-Match. */
  readonly revision: bigint;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface ClientRow {
  client_id: string;
  metadata: string;
  secret_digest: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

interface Entry {
  client: RegisteredClient;
  secretDigest: string | null;
}

/**
 * The hot-path client lookup: an in-memory index of the `clients` table, so that `find` and
 * `verifySecret` never touch SQLite.
 *
 * Consistency:
 * - at start the index is loaded from the table, which is committed with the projection's
 *   checkpoint, so the index is exactly the read model at that checkpoint;
 * - from then on the clients projection is its only writer: after each client event it writes the
 *   row and then re-reads that row into the index, inside the same transaction. A rolled-back
 *   batch can leave the index one event ahead of the table, never behind the log, and a replay
 *   rewrites the same rows (every write is keyed by client id), so they converge again;
 * - read-your-writes: a command returns its append position; once
 *   `ProjectionsService.waitFor(position)` resolves, the projection has committed the event and
 *   the index holds it. Without waiting, the index may lag the log by the projection's lag (the
 *   poll interval, for another replica's writes): a secret rotated elsewhere keeps working on
 *   this replica until its projection applies the rotation.
 */
@Injectable()
export class ClientDirectory implements OnModuleInit {
  private readonly entries = new Map<string, Entry>();

  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly readModels: ReadModelDatabase,
    private readonly hasher: SecretHasher,
  ) {}

  onModuleInit(): void {
    this.entries.clear();
    const rows = this.readModels.db.prepare('SELECT * FROM clients').all() as ClientRow[];
    for (const row of rows) this.entries.set(row.client_id, toEntry(row));
  }

  /** The client with this id, or undefined if there is none (or it was deleted). */
  find(clientId: string): RegisteredClient | undefined {
    return this.entries.get(clientId)?.client;
  }

  /** Every client, by name then id. */
  list(): RegisteredClient[] {
    return [...this.entries.values()]
      .map((entry) => entry.client)
      .sort((a, b) => a.metadata.client_name.localeCompare(b.metadata.client_name) || a.clientId.localeCompare(b.clientId));
  }

  /**
   * Whether `secret` is the current secret of confidential client `clientId`, compared in
   * constant time. False for unknown and public clients and for every secret rotated away.
   */
  verifySecret(clientId: string, secret: string): boolean {
    const digest = this.entries.get(clientId)?.secretDigest;
    return typeof digest === 'string' && this.hasher.matches(secret, digest);
  }

  /** For the clients projection only: mirrors the row of `clientId` as `db` now holds it. */
  refresh(db: Database.Database, clientId: string): void {
    const row = db.prepare('SELECT * FROM clients WHERE client_id = ?').get(clientId) as ClientRow | undefined;
    if (row === undefined) this.entries.delete(clientId);
    else this.entries.set(clientId, toEntry(row));
  }
}

function toEntry(row: ClientRow): Entry {
  const metadata = JSON.parse(row.metadata) as ClientMetadata;
  for (const value of Object.values(metadata)) if (Array.isArray(value)) Object.freeze(value);
  const client: RegisteredClient = Object.freeze({
    clientId: row.client_id,
    metadata: Object.freeze(metadata),
    confidential: isConfidential(metadata.token_endpoint_auth_method),
    revision: BigInt(row.revision),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  return { client, secretDigest: row.secret_digest };
}
