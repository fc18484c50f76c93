import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import type { ClientMetadata } from './client-metadata.js';
import { ClientEventType, parseClientEvent } from './client.events.js';

/** A client as its stream says: never registered, registered, or deleted for good. */
export type ClientState =
  | { status: 'absent' }
  | {
      status: 'active';
      clientId: string;
      metadata: ClientMetadata;
      secretDigest: string | null;
      /** Digest of its RFC 7592 registration access token; null when it has none (not registered dynamically). */
      registrationTokenDigest: string | null;
    }
  | { status: 'deleted'; clientId: string };

/** Left fold of a `client-<id>` stream. Events it does not recognise change nothing. */
export const clientEvolver: Evolver<ClientState> = {
  initial: { status: 'absent' },
  evolve(state: ClientState, recorded: RecordedEvent): ClientState {
    const event = parseClientEvent(recorded);
    if (event === null) return state;
    switch (event.type) {
      case ClientEventType.Registered:
        return {
          status: 'active',
          clientId: event.data.clientId,
          metadata: event.data.metadata,
          secretDigest: event.data.secretDigest,
          registrationTokenDigest: event.data.registrationTokenDigest ?? null,
        };
      case ClientEventType.Updated:
        if (state.status !== 'active') return state;
        return {
          ...state,
          metadata: event.data.metadata,
          secretDigest: event.data.metadata.token_endpoint_auth_method === 'none' ? null : state.secretDigest,
        };
      case ClientEventType.SecretRotated:
        return state.status === 'active' ? { ...state, secretDigest: event.data.secretDigest } : state;
      case ClientEventType.Deleted:
        return { status: 'deleted', clientId: event.data.clientId };
    }
  },
};
