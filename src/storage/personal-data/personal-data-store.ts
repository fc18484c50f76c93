import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  InvalidEventStoreInputError,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeAllOptions,
  type SubscriptionMessage,
} from '#event-store';
import { erasedPersonalData, isSealedPersonalData, openPersonalData, sealPersonalData } from './personal-data-envelope.js';
import { PERSONAL_DATA } from './personal-data-fields.js';
import type { PersonalDataKeys } from './personal-data-keys.js';

/**
 * The event store every module uses (EVENT_STORE): the adapter, with personal data sealed on the
 * way in and opened on the way out. Domain code reads and writes plain values; the log holds
 * them only as ciphertext under the subject's key (PERSONAL_DATA says which fields), and once
 * that key is destroyed they read as `{ "$erased": "personal data erased" }`. Everything else
 * passes through untouched.
 */
export class PersonalDataStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly keys: PersonalDataKeys,
  ) {}

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.seal(event));
    return this.inner.append(stream, sealed, expectedRevision);
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.openEach(this.inner.readStream(stream, options));
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.openEach(this.inner.readAll(options));
  }

  async *subscribeAll(options?: SubscribeAllOptions): AsyncIterable<SubscriptionMessage> {
    for await (const message of this.inner.subscribeAll(options)) {
      yield message.kind === 'event' ? { kind: 'event', event: await this.open(message.event) } : message;
    }
  }

  setStreamMaxAge(stream: string, maxAgeSeconds: number): Promise<void> {
    return this.inner.setStreamMaxAge(stream, maxAgeSeconds);
  }

  deleteStream(stream: string): Promise<void> {
    return this.inner.deleteStream(stream);
  }

  compact(now?: Date): Promise<{ removed: number }> {
    return this.inner.compact(now);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async *openEach(events: AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
    for await (const event of events) yield await this.open(event);
  }

  /** Refuses, rather than writes in clear, personal data whose subject the event does not name. */
  private async seal(event: NewEvent): Promise<NewEvent> {
    const declaration = PERSONAL_DATA.get(event.type);
    if (declaration === undefined || !declaration.fields.some((field) => event.data[field] !== undefined)) return event;
    const subject = declaration.subjectOf(event.data);
    if (typeof subject !== 'string' || subject.length === 0) {
      throw new InvalidEventStoreInputError('data', `${event.type} carries personal data but names no subject to seal it for`);
    }
    const { keyId, key } = await this.keys.forSubject(subject);
    const data: JsonObject = { ...event.data };
    for (const field of declaration.fields) {
      if (data[field] === undefined || isSealedPersonalData(data[field])) continue;
      data[field] = sealPersonalData(key, keyId, `${event.type}/${field}`, data[field]);
    }
    return { ...event, data };
  }

  private async open(event: RecordedEvent): Promise<RecordedEvent> {
    const declaration = PERSONAL_DATA.get(event.type);
    if (declaration === undefined) return event;
    let data: JsonObject | undefined;
    for (const field of declaration.fields) {
      const value = event.data[field];
      if (!isSealedPersonalData(value)) continue;
      data ??= { ...event.data };
      const key = await this.keys.byKeyId(value.$personal.key);
      data[field] = key === null ? erasedPersonalData() : openPersonalData(key, value, `${event.type}/${field}`);
    }
    return data === undefined ? event : { ...event, data };
  }
}
