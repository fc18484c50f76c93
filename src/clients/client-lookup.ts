import { Inject, Injectable, Logger } from '@nestjs/common';
import { MeshidConfig } from '../config/meshid-config.js';
import { isClientIdUrl, MetadataDocumentFetcher } from './metadata-documents/index.js';
import { ClientDirectory, type RegisteredClient } from './read-model/client-directory.js';

/**
 * A client found, or none; for a metadata document that was tried, why it gave none (a reason
 * safe to show: it names no internal address).
 */
export type ClientLookupResult = { client: RegisteredClient } | { client: undefined; documentProblem?: string };

/**
 * Finds the client a request names: a registered one from the directory, or, when
 * MESHID_CLIENT_ID_METADATA_DOCUMENTS is on and the id is an https URL, the client its metadata
 * document describes (fetched with strict limits and cached; see MetadataDocumentFetcher). A
 * registered id always wins, so a document can never stand in for a registered client.
 */
@Injectable()
export class ClientLookup {
  private readonly logger = new Logger('ClientLookup');
  private readonly documents: MetadataDocumentFetcher | null;

  constructor(
    private readonly directory: ClientDirectory,
    @Inject(MeshidConfig) config: MeshidConfig,
  ) {
    this.documents = config.clientIdMetadataDocuments
      ? MetadataDocumentFetcher.fromSettings(config, { onUnexpectedError: (error) => this.logger.error(`metadata document fetch failed: ${(error as Error)?.stack ?? String(error)}`) })
      : null;
  }

  async find(clientId: string): Promise<ClientLookupResult> {
    const registered = this.directory.find(clientId);
    if (registered !== undefined) return { client: registered };
    if (this.documents === null || !isClientIdUrl(clientId)) return { client: undefined };
    const resolved = await this.documents.resolve(clientId);
    return resolved.ok ? { client: resolved.client } : { client: undefined, documentProblem: resolved.reason };
  }

  /**
   * Whether tokens issued to `clientId` may still be honoured: it is registered (not deleted), or
   * it is a metadata-document client while those are on. Answered from memory, for the hot path;
   * whether the document still resolves is asked again when the client next authenticates.
   */
  stillServes(clientId: string): boolean {
    if (this.directory.find(clientId) !== undefined) return true;
    return this.documents !== null && isClientIdUrl(clientId);
  }

  /**
   * Whether the client was described by a metadata document rather than registered, so its
   * metadata is its author's say-so. Registered ids can hold neither `:` nor `/` (assertClientId).
   */
  isMetadataDocumentClient(client: RegisteredClient): boolean {
    return isClientIdUrl(client.clientId);
  }
}
