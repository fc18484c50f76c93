import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  eventTypeFilter,
  streamNameFilter,
  type AppendStreamState,
  type Filter,
  type Position as ClientPosition,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../../errors.js';
import type { EventFilter, ExpectedRevision, JsonObject, RecordedEvent } from '../../event-store.js';
import type { Position, PositionOrigin } from '../../position.js';

/** The fields of the client's recorded events (JSON or binary, from gRPC or the Rust bridge) we read. */
export interface ClientRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata?: unknown;
  created: Date;
  position?: ClientPosition;
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (expected === 'any') return ANY;
  return expected;
}

export function toReadPosition(origin: PositionOrigin): ReadPosition {
  if (origin === 'start') return START;
  if (origin === 'end') return END;
  return { commit: origin.commit, prepare: origin.prepare };
}

/** System streams and event types start with `$`; the port never returns them. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** How often a subscription's server sends checkpoints, and where they go. */
export type FilterExtras = Partial<Pick<Filter, 'checkpointInterval' | 'checkpointReached'>>;

/** Server-side filter: ours when given, else one that drops `$` event types (the bulk of system events). */
export function toClientFilter(filter: EventFilter | undefined, extra: FilterExtras = {}): Filter {
  if (filter?.streamNamePrefixes) return streamNameFilter({ ...extra, prefixes: [...filter.streamNamePrefixes] });
  if (filter?.eventTypePrefixes) return eventTypeFilter({ ...extra, prefixes: [...filter.eventTypePrefixes] });
  return eventTypeFilter({ ...extra, regex: '^[^$]' });
}

export function toRecordedEvent(event: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const position = event.position ?? (commitPosition === undefined ? undefined : { commit: commitPosition, prepare: commitPosition });
  if (!position) throw new EventStoreError(`event ${event.id} in "${event.streamId}" came without a $all position`);
  return {
    id: event.id,
    stream: event.streamId,
    revision: BigInt(event.revision),
    position: toPosition(position),
    type: event.type,
    data: decodeJson(event.data, 'data', event.id),
    metadata: decodeJson(event.metadata, 'metadata', event.id),
    createdAt: event.created,
  };
}

export function toPosition(position: ClientPosition): Position {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/**
 * The client JSON-parses payloads itself when it can and hands back raw bytes (or the raw
 * text) when it cannot; empty metadata comes back as `undefined`. Anything that is not a JSON
 * object was not written through this port.
 */
function decodeJson(value: unknown, field: 'data' | 'metadata', id: string): JsonObject {
  if (value === undefined || value === null) return {};
  let decoded: unknown = value;
  if (value instanceof Uint8Array) decoded = value.length === 0 ? {} : parse(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') decoded = parse(value);
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new EventStoreError(`event ${id}: ${field} is not a JSON object`);
  }
  return decoded as JsonObject;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
