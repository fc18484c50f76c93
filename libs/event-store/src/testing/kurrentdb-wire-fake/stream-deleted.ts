import { Metadata, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { FakeLog } from './fake-log.js';
import { streamIdentifier, streamName } from './messages.js';
import { Any, Status, StreamDeleted, TombstoneResp, type TombstoneReqMessage, type TombstoneRespMessage } from './protocol.js';

/** google.rpc.Code FAILED_PRECONDITION, what the server answers a deleted stream with. */
const FAILED_PRECONDITION = 9;

/**
 * The server's error for a tombstoned stream on the unary and streaming RPCs: status
 * FAILED_PRECONDITION with trailers `exception: stream-deleted` and `stream-name`, which both the
 * client (`convertToCommandError`) and the Rust bridge read.
 */
export function streamDeletedError(stream: string): { code: number; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', stream);
  return { code: status.FAILED_PRECONDITION, details: `Event stream '${stream}' is deleted.`, metadata };
}

/** The same for BatchAppend, whose per-append errors are `google.rpc.Status` packing a `StreamDeleted`. */
export function streamDeletedStatus(stream: string): InstanceType<typeof Status> {
  const packed = new Any();
  packed.pack(new StreamDeleted().setStreamIdentifier(streamIdentifier(stream)).serializeBinary(), 'event_store.client.StreamDeleted');
  return new Status().setCode(FAILED_PRECONDITION).setMessage('StreamDeleted').setDetails(packed);
}

type TombstoneCall = ServerUnaryCall<TombstoneReqMessage, TombstoneRespMessage>;

/**
 * `Streams.Tombstone` (the client's `tombstoneStream`), unary: hard-deletes the stream, existing
 * or not, and answers the tombstone's position. A second tombstone is refused as stream-deleted,
 * as the server does. Only the expected revision `any` is served (the adapter sends nothing else).
 */
export function tombstoneHandler(log: FakeLog) {
  return (call: TombstoneCall, callback: sendUnaryData<TombstoneRespMessage>): void => {
    const options = call.request.getOptions();
    const stream = streamName(options?.getStreamIdentifier());
    if (!options || stream === undefined) return callback({ code: status.INVALID_ARGUMENT, details: 'tombstone without a stream identifier' });
    if (!options.hasAny()) return callback({ code: status.UNIMPLEMENTED, details: 'the fake tombstones only with expected revision any' });
    const record = log.tombstone(stream);
    if (!record) return callback(streamDeletedError(stream));
    const position = new TombstoneResp.Position().setCommitPosition(record.commit.toString()).setPreparePosition(record.prepare.toString());
    callback(null, new TombstoneResp().setPosition(position));
  };
}
