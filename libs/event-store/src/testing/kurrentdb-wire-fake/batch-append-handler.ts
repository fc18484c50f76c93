import type { ServerDuplexStream } from '@grpc/grpc-js';
import { decodeProposed } from './append-handler.js';
import type { FakeExpectation, FakeLog, ProposedEvent } from './fake-log.js';
import { streamIdentifier, streamName } from './messages.js';
import { streamDeletedStatus } from './stream-deleted.js';
import {
  AllStreamPosition,
  Any,
  BatchAppendReq,
  BatchAppendResp,
  GoogleEmpty,
  Status,
  WrongExpectedVersion,
  type BatchAppendReqMessage,
  type BatchAppendRespMessage,
  type UuidMessage,
} from './protocol.js';

type BatchCall = ServerDuplexStream<BatchAppendReqMessage, BatchAppendRespMessage>;

interface PendingBatch {
  correlationId: UuidMessage;
  options: InstanceType<typeof BatchAppendReq.Options> | undefined;
  events: ProposedEvent[];
  invalid?: string;
}

/** google.rpc.Code values the fake answers with. */
const FAILED_PRECONDITION = 9;
const INVALID_ARGUMENT = 3;

/**
 * `Streams.BatchAppend`, bidirectional: the path the client takes when ServerFeatures lists it
 * (as real servers since 21.10 do). One long-lived call carries every append of a client, each
 * identified by a correlation id: options on its first message, proposed messages possibly split
 * over several, `is_final` on the last. Each append gets one response; a version conflict is
 * an error status whose details pack an `event_store.client.WrongExpectedVersion`, a tombstoned
 * stream one packing an `event_store.client.StreamDeleted`.
 */
export function batchAppendHandler(log: FakeLog) {
  return (call: BatchCall): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (request: BatchAppendReqMessage) => {
      const correlationId = request.getCorrelationId();
      const key = correlationId?.getString() ?? '';
      if (!correlationId) return;
      const batch = pending.get(key) ?? { correlationId, options: undefined, events: [] };
      pending.set(key, batch);
      if (request.hasOptions()) batch.options = request.getOptions();
      for (const message of request.getProposedMessagesList()) {
        const proposed = decodeProposed(message);
        if (typeof proposed === 'string') batch.invalid = proposed;
        else batch.events.push(proposed);
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      call.write(complete(log, batch));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };
}

function complete(log: FakeLog, batch: PendingBatch): BatchAppendRespMessage {
  const response = new BatchAppendResp().setCorrelationId(batch.correlationId);
  const stream = streamName(batch.options?.getStreamIdentifier());
  if (!batch.options || stream === undefined || batch.invalid) {
    const message = batch.invalid ?? 'batch append without options or stream identifier';
    return response.setError(new Status().setCode(INVALID_ARGUMENT).setMessage(message));
  }
  response.setStreamIdentifier(streamIdentifier(stream));
  const expected = decodeExpectation(batch.options);
  const outcome = log.append(stream, expected, batch.events);
  if ('deleted' in outcome) return response.setError(streamDeletedStatus(stream));
  if (!outcome.ok) return response.setError(conflict(expected, outcome.current));
  const success = new BatchAppendResp.Success();
  if (outcome.current === undefined) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(outcome.current.toString());
  if (outcome.last) {
    success.setPosition(
      new AllStreamPosition()
        .setCommitPosition(outcome.last.commit.toString())
        .setPreparePosition(outcome.last.prepare.toString()),
    );
  } else {
    success.setNoPosition(new GoogleEmpty());
  }
  return response.setSuccess(success);
}

function decodeExpectation(options: InstanceType<typeof BatchAppendReq.Options>): FakeExpectation {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function conflict(expected: FakeExpectation, current: bigint | undefined): InstanceType<typeof Status> {
  const details = new WrongExpectedVersion();
  if (current === undefined) details.setCurrentNoStream(new GoogleEmpty());
  else details.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(new GoogleEmpty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new GoogleEmpty());
  else details.setExpectedAny(new GoogleEmpty());
  const packed = new Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return new Status().setCode(FAILED_PRECONDITION).setMessage('WrongExpectedVersion').setDetails(packed);
}
