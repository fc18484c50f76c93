import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { ActiveClient } from '../../clients/commands/client-stream.js';
import { clientStream } from '../../clients/domain/client-id.js';
import { clientEvolver, type ClientState } from '../../clients/domain/client.evolver.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { invalidToken } from '../../tokens/http/bearer-token.js';

/** A client as its stream says, for its registration access token's holder. */
export interface ManagedClient {
  client: ActiveClient;
  /** The revision the holder's update or delete is appended at. */
  revision: bigint;
  /** When it was registered: its first event. */
  registeredAt: Date;
}

/**
 * Who may manage a registration (RFC 7592 §1): the holder of its registration access token. The
 * client's stream is loaded, not the read model: these calls are rare, and the decision to update
 * or delete is then made on exactly the revision that was checked.
 */
@Injectable()
export class RegistrationAccess {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  /**
   * The client `clientId`, if `token` is its registration access token. An unknown, deleted or
   * administrator-made client, or a wrong token, are one and the same 401 (RFC 7592 §2: do not
   * reveal whether the client exists).
   */
  async authorize(clientId: string, token: string): Promise<ManagedClient> {
    const loaded = await this.load(clientId);
    const digest = loaded?.client.registrationTokenDigest;
    if (loaded === null || typeof digest !== 'string' || !this.hasher.matches(token, digest)) {
      throw invalidToken('the registration access token is not valid for this client');
    }
    return loaded;
  }

  /** When `clientId` was registered, for the registration response. */
  async registeredAt(clientId: string): Promise<Date> {
    for await (const event of this.store.readStream(clientStream(clientId), { maxCount: 1 })) return event.createdAt;
    return new Date();
  }

  /** Whether `secret` is the client's current secret, compared in constant time. */
  matchesSecret(managed: ManagedClient, secret: string): boolean {
    const digest = managed.client.secretDigest;
    return digest !== null && this.hasher.matches(secret, digest);
  }

  private async load(clientId: string): Promise<ManagedClient | null> {
    let stream: string;
    try {
      stream = clientStream(clientId);
    } catch {
      return null; // not a client id at all
    }
    let state: ClientState = clientEvolver.initial;
    let revision: bigint | undefined;
    let registeredAt: Date | undefined;
    for await (const event of this.store.readStream(stream)) {
      state = clientEvolver.evolve(state, event);
      revision = event.revision;
      registeredAt ??= event.createdAt;
    }
    if (state.status !== 'active' || revision === undefined || registeredAt === undefined) return null;
    return { client: state, revision, registeredAt };
  }
}
