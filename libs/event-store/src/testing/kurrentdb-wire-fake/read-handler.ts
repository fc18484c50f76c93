import { fail, invalid, write, type ReadCall, type ReadOptions } from './call-io.js';
import { TICKS_PER_MS, type FakeLog, type FakeRecord } from './fake-log.js';
import { decodeFilter } from './filter.js';
import { eventResponse, streamName, streamNotFoundResponse, type UuidFormat } from './messages.js';
import { ReadReq, type ReadRespMessage } from './protocol.js';
import { streamDeletedError } from './stream-deleted.js';
import { subscribe } from './subscription.js';

const { ReadDirection, CountOptionCase } = ReadReq.Options;
const { RevisionOptionCase } = ReadReq.Options.StreamOptions;
const { AllOptionCase } = ReadReq.Options.AllOptions;

/**
 * `Streams.Read`, server streaming. One request selects a stream read, an `$all` read or, with
 * the `subscription` option, a catch-up subscription to either (see `subscription.ts`).
 */
export function readHandler(log: FakeLog, checkpointWindow: number) {
  return (call: ReadCall): void => {
    const options = call.request.getOptions();
    if (!options) return fail(call, invalid('read without options'));
    const format: UuidFormat = options.getUuidOption()?.hasStructured() ? 'structured' : 'string';
    const run = async () => {
      const stream = options.hasStream() ? streamName(options.getStream()?.getStreamIdentifier()) : undefined;
      if (stream !== undefined && log.isTombstoned(stream)) return void call.emit('error', streamDeletedError(stream));
      if (options.hasSubscription()) return subscribe(call, log, options, format, checkpointWindow);
      const result = options.hasStream() ? readStream(log, options) : readAll(log, options, checkpointWindow);
      return send(call, result, format);
    };
    run().catch((error: unknown) => fail(call, error));
  };
}

/** Writes `records` (or a not-found message) with backpressure, then ends the call. */
async function send(call: ReadCall, records: FakeRecord[] | ReadRespMessage, format: UuidFormat): Promise<void> {
  const messages = Array.isArray(records) ? records.map((record) => eventResponse(record, format)) : [records];
  for (const message of messages) {
    if (call.cancelled) return;
    await write(call, message);
  }
  call.end();
}

function limit(options: ReadOptions): number {
  if (options.getCountOptionCase() !== CountOptionCase.COUNT) return Number.POSITIVE_INFINITY;
  const count = BigInt(options.getCount());
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(count);
}

/**
 * Forwards reads are inclusive of `revision`, backwards too; `start` backwards is revision 0
 * only. A tombstoned stream never gets here (the call fails with stream-deleted first).
 */
function readStream(log: FakeLog, options: ReadOptions): FakeRecord[] | ReadRespMessage {
  const stream = streamName(options.getStream()?.getStreamIdentifier());
  if (stream === undefined) throw invalid('stream read without a stream identifier');
  const stored = log.streamEvents(stream);
  if (!stored) return streamNotFoundResponse(stream);
  // `$maxAge` hides events older than it from stream reads (not from `$all`), as on the server.
  const maxAge = log.maxAge(stream);
  const oldest = maxAge === undefined ? undefined : BigInt(Date.now() - maxAge * 1000) * TICKS_PER_MS;
  const events = oldest === undefined ? stored : stored.filter((e) => e.created >= oldest);
  const streamOptions = options.getStream()!;
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  let from: bigint;
  switch (streamOptions.getRevisionOptionCase()) {
    case RevisionOptionCase.REVISION:
      from = BigInt(streamOptions.getRevision());
      break;
    case RevisionOptionCase.END:
      from = forwards ? 1n << 64n : (1n << 64n) - 1n;
      break;
    default:
      from = 0n;
  }
  const selected = forwards ? events.filter((e) => e.revision >= from) : events.filter((e) => e.revision <= from).reverse();
  return selected.slice(0, Math.min(selected.length, limit(options)));
}

/**
 * Forwards from a position is inclusive; backwards from a position returns only what lies
 * strictly before it (the server reads the log backwards from that offset). Every event is
 * in `$all`, system events included, unless a filter leaves them out.
 */
function readAll(log: FakeLog, options: ReadOptions, checkpointWindow: number): FakeRecord[] {
  const all = options.getAll();
  if (!all) throw invalid('read without stream or all options');
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  const records = log.records;
  let index: number;
  switch (all.getAllOptionCase()) {
    case AllOptionCase.POSITION: {
      const position = all.getPosition()!;
      const at = log.indexAfter(BigInt(position.getCommitPosition()), BigInt(position.getPreparePosition()), true);
      index = forwards ? at : at - 1;
      break;
    }
    case AllOptionCase.END:
      index = forwards ? records.length : records.length - 1;
      break;
    default:
      index = forwards ? 0 : -1;
  }
  const filter = options.hasFilter() ? decodeFilter(options.getFilter()!, checkpointWindow) : undefined;
  const max = limit(options);
  const selected: FakeRecord[] = [];
  for (let i = index; i >= 0 && i < records.length && selected.length < max; i += forwards ? 1 : -1) {
    if (!filter || filter.matches(records[i]!)) selected.push(records[i]!);
  }
  return selected;
}
