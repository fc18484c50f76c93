import { status, type ServerReadableStream, type sendUnaryData } from '@grpc/grpc-js';
import type { FakeExpectation, FakeLog, ProposedEvent } from './fake-log.js';
import { empty, streamName, uuidText } from './messages.js';
import { streamDeletedError } from './stream-deleted.js';
import { AppendReq, AppendResp, type AppendReqMessage, type AppendRespMessage, type UuidMessage } from './protocol.js';

type AppendCall = ServerReadableStream<AppendReqMessage, AppendRespMessage>;

/**
 * `Streams.Append`, client streaming: one `options` message (stream and expected revision),
 * then one `proposed_message` per event. The batch is applied atomically when the client ends
 * the stream. A version conflict is an `AppendResp.wrong_expected_version` message, not a gRPC
 * error, exactly as the client expects; a tombstoned stream is a stream-deleted gRPC error.
 */
export function appendHandler(log: FakeLog) {
  return (call: AppendCall, callback: sendUnaryData<AppendRespMessage>): void => {
    let options: InstanceType<typeof AppendReq.Options> | undefined;
    const events: ProposedEvent[] = [];
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      callback({ code: status.INVALID_ARGUMENT, details: message });
    };
    call.on('data', (request: AppendReqMessage) => {
      if (request.hasOptions()) {
        if (options) return fail('options sent twice');
        options = request.getOptions();
      } else if (request.hasProposedMessage()) {
        if (!options) return fail('proposed message before options');
        const proposed = decodeProposed(request.getProposedMessage()!);
        if (typeof proposed === 'string') return fail(proposed);
        events.push(proposed);
      }
    });
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      const stream = streamName(options?.getStreamIdentifier());
      if (!options || !stream) return fail('append without options or stream identifier');
      const expected = decodeExpectation(options);
      const outcome = log.append(stream, expected, events);
      // A deleted stream is a gRPC error here, unlike a version conflict.
      if ('deleted' in outcome) return callback(streamDeletedError(stream));
      callback(null, outcome.ok ? success(outcome.current, outcome.last) : wrongExpectedVersion(expected, outcome.current));
    });
  };
}

/** The fields both append RPCs' proposed messages share. */
export interface ProposedMessageFields {
  getId(): UuidMessage | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export function decodeProposed(message: ProposedMessageFields): ProposedEvent | string {
  const id = uuidText(message.getId());
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (!id) return 'proposed message without an id';
  if (!type) return 'proposed message without a type';
  return {
    id,
    type,
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function decodeExpectation(options: InstanceType<typeof AppendReq.Options>): FakeExpectation {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function success(current: bigint | undefined, last: { commit: bigint; prepare: bigint } | undefined): AppendRespMessage {
  const result = new AppendResp.Success();
  if (current === undefined) result.setNoStream(empty());
  else result.setCurrentRevision(current.toString());
  if (last) {
    result.setPosition(
      new AppendResp.Position().setCommitPosition(last.commit.toString()).setPreparePosition(last.prepare.toString()),
    );
  } else {
    result.setNoPosition(empty());
  }
  return new AppendResp().setSuccess(result);
}

function wrongExpectedVersion(expected: FakeExpectation, current: bigint | undefined): AppendRespMessage {
  const conflict = new AppendResp.WrongExpectedVersion();
  if (current === undefined) conflict.setCurrentNoStream(empty());
  else conflict.setCurrentRevision(current.toString());
  switch (expected.kind) {
    case 'revision':
      conflict.setExpectedRevision(expected.revision.toString());
      break;
    case 'no_stream':
      conflict.setExpectedNoStream(empty());
      break;
    case 'stream_exists':
      conflict.setExpectedStreamExists(empty());
      break;
    case 'any':
      conflict.setExpectedAny(empty());
      break;
  }
  return new AppendResp().setWrongExpectedVersion(conflict);
}
