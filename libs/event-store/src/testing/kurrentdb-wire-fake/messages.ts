import type { FakeRecord } from './fake-log.js';
import { Empty, ReadResp, StreamIdentifier, Timestamp, UUID, type ReadRespMessage, type UuidMessage } from './protocol.js';

/** How the reader asked for event ids: `ReadReq.Options.uuid_option`. */
export type UuidFormat = 'string' | 'structured';

export function streamIdentifier(stream: string): InstanceType<typeof StreamIdentifier> {
  return new StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
}

export function streamName(identifier: InstanceType<typeof StreamIdentifier> | undefined): string | undefined {
  if (!identifier) return undefined;
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

/** A UUID as the reader wants it; `structured` is two signed 64-bit halves, as in Java. */
export function uuid(id: string, format: UuidFormat): UuidMessage {
  if (format === 'string') return new UUID().setString(id);
  const hex = id.replaceAll('-', '');
  const half = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString(10);
  const structured = new UUID.Structured()
    .setMostSignificantBits(half(hex.slice(0, 16)))
    .setLeastSignificantBits(half(hex.slice(16)));
  return new UUID().setStructured(structured);
}

/** Reads the id of a proposed event, in either UUID form. */
export function uuidText(message: UuidMessage | undefined): string | undefined {
  if (!message) return undefined;
  if (message.hasString()) return message.getString();
  if (!message.hasStructured()) return undefined;
  const structured = message.getStructured()!;
  const hex = (value: string) => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  const text = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

export function eventResponse(record: FakeRecord, format: UuidFormat): ReadRespMessage {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuid(record.id, format))
    .setStreamIdentifier(streamIdentifier(record.stream))
    .setStreamRevision(record.revision.toString())
    .setCommitPosition(record.commit.toString())
    .setPreparePosition(record.prepare.toString())
    .setCustomMetadata(record.customMetadata)
    .setData(record.data);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.created.toString());
  const event = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(record.commit.toString());
  return new ReadResp().setEvent(event);
}

export function streamNotFoundResponse(stream: string): ReadRespMessage {
  return new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)));
}

export function confirmationResponse(subscriptionId: string): ReadRespMessage {
  return new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));
}

export function checkpointResponse(record: FakeRecord): ReadRespMessage {
  const checkpoint = new ReadResp.Checkpoint()
    .setCommitPosition(record.commit.toString())
    .setPreparePosition(record.prepare.toString())
    .setTimestamp(Timestamp.fromDate(new Date()));
  return new ReadResp().setCheckpoint(checkpoint);
}

/**
 * `caught_up` (ReadResp field 8), which the client turns into its `caughtUp` event, with the
 * time and, when known, the last record the subscription has passed (a revision for a stream,
 * a position for `$all`).
 */
export function caughtUpResponse(last: { record: FakeRecord; inStream: boolean } | undefined): ReadRespMessage {
  const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
  if (last?.inStream) caughtUp.setStreamRevision(last.record.revision.toString());
  else if (last) {
    caughtUp.setPosition(
      new ReadResp.Position().setCommitPosition(last.record.commit.toString()).setPreparePosition(last.record.prepare.toString()),
    );
  }
  return new ReadResp().setCaughtUp(caughtUp);
}

export const empty = (): InstanceType<typeof Empty> => new Empty();
