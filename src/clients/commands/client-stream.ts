import { type EventStore, type NewEvent, type Position, WrongExpectedVersionError } from '#event-store';
import { appendDecision, type CommandContext, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { clientStream } from '../domain/client-id.js';
import { ClientNotFoundError, StaleClientRevisionError } from '../domain/client.errors.js';
import { clientEvolver, type ClientState } from '../domain/client.evolver.js';

export type ActiveClient = Extract<ClientState, { status: 'active' }>;

/** What every client command returns: the revision to use as the next ETag, and the position to wait for. */
export interface ClientCommandResult {
  clientId: string;
  /** The stream's revision after the command (the client's ETag). */
  revision: bigint;
  /** Read-your-writes: `ProjectionsService.waitFor(position, ...)` before reading the directory. */
  position: Position;
}

/**
 * Loads a client that exists and is not deleted, at the revision the caller expects if it names
 * one (the ETag an admin saw): a mismatch is refused before any decision is made.
 */
export async function loadActiveClient(
  store: EventStore,
  clientId: string,
  expectedRevision?: bigint,
): Promise<{ client: ActiveClient; revision: bigint }> {
  const { state, revision } = await loadAggregate(store, clientStream(clientId), clientEvolver);
  if (state.status !== 'active' || revision === undefined) throw new ClientNotFoundError(clientId);
  if (expectedRevision !== undefined && expectedRevision !== revision) {
    throw new StaleClientRevisionError(clientId, expectedRevision, revision);
  }
  return { client: state, revision };
}

/**
 * Appends at the loaded revision (the concurrency gate, see `appendDecision`): a writer that got
 * in between load and append makes this one fail with StaleClientRevisionError, nothing written.
 */
export async function appendClientEvents(
  store: EventStore,
  clientId: string,
  revision: bigint,
  events: ReadonlyArray<Omit<NewEvent, 'metadata'>>,
  context: CommandContext,
): Promise<ClientCommandResult> {
  try {
    const result = await appendDecision(store, clientStream(clientId), { revision }, events, context);
    return { clientId, revision: result.nextExpectedRevision, position: result.position };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      throw new StaleClientRevisionError(clientId, undefined, typeof error.actual === 'bigint' ? error.actual : undefined);
    }
    throw error;
  }
}
