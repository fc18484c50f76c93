import { randomUUID } from 'node:crypto';
import type { FakeLog, FakeRecord } from './fake-log.js';
import { decodeFilter, type FakeFilter } from './filter.js';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse, streamName, type UuidFormat } from './messages.js';
import { ReadReq } from './protocol.js';
import { invalid, write, type ReadCall, type ReadOptions } from './call-io.js';

const { RevisionOptionCase } = ReadReq.Options.StreamOptions;
const { AllOptionCase } = ReadReq.Options.AllOptions;

/** Where a subscription reads from: `$all` or one stream, and the index of its next record. */
interface Source {
  records(): readonly FakeRecord[];
  cursor: number;
}

/**
 * A catch-up subscription (`ReadReq.Options.subscription`) to `$all` or to one stream:
 * `confirmation` first, then every record after the start point (exclusive), `caught_up` once
 * the log is exhausted, then live records as they are appended, until the client cancels or the
 * server stops. With a filter (only on `$all`), a `checkpoint` goes out after every
 * `window x multiplier` scanned records, and whenever the scan reaches the end of the log past
 * records the filter left out (our rule, so that a filtered consumer sees its progress).
 */
export async function subscribe(
  call: ReadCall,
  log: FakeLog,
  options: ReadOptions,
  format: UuidFormat,
  checkpointWindow: number,
): Promise<void> {
  const source = options.hasStream() ? streamSource(log, options) : allSource(log, options);
  const filter = options.hasAll() && options.hasFilter() ? decodeFilter(options.getFilter()!, checkpointWindow) : undefined;
  let wake: () => void = () => {};
  const stopListening = log.onAppend(() => wake());
  const cancelled = new Promise<void>((resolve) => call.once('cancelled', resolve));
  try {
    await write(call, confirmationResponse(randomUUID()));
    let caughtUp = false;
    const progress = { scanned: 0, last: undefined as FakeRecord | undefined, delivered: undefined as FakeRecord | undefined };
    while (!call.cancelled) {
      const appended = new Promise<void>((resolve) => (wake = resolve));
      await scan(call, source, filter, format, progress);
      if (!caughtUp && !call.cancelled) {
        caughtUp = true;
        const last = progress.last ?? source.records()[source.cursor - 1];
        await write(call, caughtUpResponse(last && { record: last, inStream: options.hasStream() }));
      }
      await Promise.race([appended, cancelled]);
    }
  } finally {
    stopListening();
  }
}

async function scan(
  call: ReadCall,
  source: Source,
  filter: FakeFilter | undefined,
  format: UuidFormat,
  progress: { scanned: number; last: FakeRecord | undefined; delivered: FakeRecord | undefined },
): Promise<void> {
  const records = source.records();
  while (source.cursor < records.length && !call.cancelled) {
    const record = records[source.cursor++]!;
    progress.last = record;
    if (!filter || filter.matches(record)) {
      await write(call, eventResponse(record, format));
      progress.delivered = record;
    }
    if (filter && ++progress.scanned >= filter.checkpointInterval) {
      progress.scanned = 0;
      await write(call, checkpointResponse(record));
    }
  }
  if (filter && progress.scanned > 0 && progress.last !== progress.delivered && !call.cancelled) {
    progress.scanned = 0;
    await write(call, checkpointResponse(progress.last!));
  }
}

function allSource(log: FakeLog, options: ReadOptions): Source {
  const all = options.getAll();
  if (!all) throw invalid('subscription without stream or all options');
  let cursor = 0;
  if (all.getAllOptionCase() === AllOptionCase.END) cursor = log.records.length;
  if (all.getAllOptionCase() === AllOptionCase.POSITION) {
    const position = all.getPosition()!;
    cursor = log.indexAfter(BigInt(position.getCommitPosition()), BigInt(position.getPreparePosition()), false);
  }
  return { records: () => log.records, cursor };
}

function streamSource(log: FakeLog, options: ReadOptions): Source {
  const streamOptions = options.getStream()!;
  const stream = streamName(streamOptions.getStreamIdentifier());
  if (stream === undefined) throw invalid('stream subscription without a stream identifier');
  const records = () => log.streamEvents(stream) ?? [];
  let cursor = 0;
  if (streamOptions.getRevisionOptionCase() === RevisionOptionCase.END) cursor = records().length;
  if (streamOptions.getRevisionOptionCase() === RevisionOptionCase.REVISION) {
    const after = BigInt(streamOptions.getRevision());
    const index = records().findIndex((record) => record.revision > after);
    cursor = index === -1 ? records().length : index;
  }
  return { records, cursor };
}
