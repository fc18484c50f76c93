import { type RecordedEvent, sequencePosition } from '#event-store';

/** TEST-ONLY: a maker of the recorded events of one stream, at consecutive revisions, for folding evolvers by hand. */
export function recordedEventsOf(stream: string): (type: string, data: Record<string, unknown>) => RecordedEvent {
  let revision = 0n;
  return (type, data) => ({
    id: `id-${revision}`,
    stream,
    revision,
    position: sequencePosition(++revision),
    type,
    data,
    metadata: {},
    createdAt: new Date(0),
  });
}
