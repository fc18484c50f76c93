import { type EventStore, type NewEvent, type Position, WrongExpectedVersionError } from '#event-store';
import { appendDecision, type CommandContext, loadAggregate } from '../../common/event-sourcing/aggregate-stream.js';
import { accountStream } from '../domain/account.events.js';
import { AccountNotFoundError, StaleAccountRevisionError } from '../domain/account.errors.js';
import { accountEvolver, type LiveAccount } from '../domain/account.evolver.js';

/** What every account command returns: the next ETag and the position to wait for (read-your-writes). */
export interface AccountCommandResult {
  accountId: string;
  revision: bigint;
  position: Position;
}

export type AccountEvent = Omit<NewEvent, 'metadata'>;

/**
 * Loads an account that exists and is not deleted, at the revision the caller expects if it names
 * one (the ETag an admin saw): a mismatch is refused before any decision is made.
 */
export async function loadLiveAccount(store: EventStore, accountId: string, expectedRevision?: bigint): Promise<{ account: LiveAccount; revision: bigint }> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(accountId)) throw new AccountNotFoundError(accountId);
  const { state, revision } = await loadAggregate(store, accountStream(accountId), accountEvolver);
  if (state.status !== 'active' || revision === undefined) throw new AccountNotFoundError(accountId);
  if (expectedRevision !== undefined && expectedRevision !== revision) throw new StaleAccountRevisionError(accountId, expectedRevision, revision);
  return { account: state, revision };
}

/**
 * Appends at the loaded revision (the concurrency gate, see `appendDecision`): a writer that got
 * in between load and append makes this one fail with StaleAccountRevisionError, nothing written.
 */
export async function appendAccountEvents(
  store: EventStore,
  accountId: string,
  revision: bigint,
  events: readonly AccountEvent[],
  context: CommandContext,
): Promise<AccountCommandResult> {
  try {
    const result = await appendDecision(store, accountStream(accountId), { revision }, events, context);
    return { accountId, revision: result.nextExpectedRevision, position: result.position };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      throw new StaleAccountRevisionError(accountId, undefined, typeof error.actual === 'bigint' ? error.actual : undefined);
    }
    throw error;
  }
}
