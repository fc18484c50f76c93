import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store';
import { SecretHasher } from '../crypto/secret-hasher.js';
import { CONSENT_GIVEN, type ConsentGiven, consentStream } from './domain/consent.events.js';

/**
 * The consents a person has given, read from their own stream: a handful of events, read when a
 * client that needs consent asks, so a consent given a moment ago on another replica counts at once.
 */
@Injectable()
export class ConsentRecords {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly hasher: SecretHasher,
  ) {}

  streamOf(subject: string): string {
    return consentStream(Buffer.from(this.hasher.mac('consent subject', subject), 'base64url').toString('hex').slice(0, 32));
  }

  /** Whether the person's last consent to the client covers every scope of `scope`. */
  async covers(subject: string, clientId: string, scope: readonly string[]): Promise<boolean> {
    let given: ReadonlySet<string> | null = null;
    for await (const event of this.store.readStream(this.streamOf(subject))) {
      if (event.type !== CONSENT_GIVEN) continue;
      const data = event.data as ConsentGiven;
      if (data.clientId === clientId && Array.isArray(data.scope)) given = new Set(data.scope);
    }
    return given !== null && scope.every((s) => given.has(s));
  }
}
