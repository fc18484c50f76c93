import type { EventMetadata, EventStore, ExpectedRevision, NewEvent, RecordedEvent } from '#event-store';

/**
 * How an aggregate's state is rebuilt from its stream: a left fold of its events. `evolve` must
 * leave what a state at an earlier revision sees unchanged: states are cached and folded onward
 * (see AggregateCache).
 */
export interface Evolver<S> {
  readonly initial: S;
  evolve(state: S, event: RecordedEvent): S;
}

/** An aggregate as loaded: its state and the revision to append at (undefined: no stream yet). */
export interface LoadedAggregate<S> {
  state: S;
  revision: bigint | undefined;
}

/** Who caused a command, recorded in the metadata of every event it appends. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  ip?: string;
}

/**
 * The aggregate of `stream`: its events folded from `evolver.initial`, or, given `known` (the
 * aggregate as loaded earlier), only the events after `known.revision` folded onto it.
 */
export async function loadAggregate<S>(
  store: EventStore,
  stream: string,
  evolver: Evolver<S>,
  known?: LoadedAggregate<S>,
): Promise<LoadedAggregate<S>> {
  let state = known?.state ?? evolver.initial;
  let revision = known?.revision;
  const fromRevision = revision === undefined ? 'start' : revision + 1n;
  for await (const event of store.readStream(stream, { fromRevision })) {
    state = evolver.evolve(state, event);
    revision = event.revision;
  }
  return { state, revision };
}

/**
 * Appends a command's events at the revision its decision was based on. This is the concurrency
 * gate: if another writer appended since the load, the store refuses with WrongExpectedVersion
 * and nothing is written, so two decisions can never both apply to the same state.
 */
export function appendDecision(
  store: EventStore,
  stream: string,
  loaded: Pick<LoadedAggregate<unknown>, 'revision'>,
  events: ReadonlyArray<Omit<NewEvent, 'metadata'>>,
  context: CommandContext,
) {
  const metadata = commandMetadata(context);
  const expected: ExpectedRevision = loaded.revision ?? 'no_stream';
  return store.append(stream, events.map((event) => ({ ...event, metadata })), expected);
}

/** The metadata every event a command appends carries. */
export function commandMetadata(context: CommandContext): EventMetadata {
  return { actor: context.actor, correlationId: context.correlationId, ...(context.ip ? { ip: context.ip } : {}) };
}
