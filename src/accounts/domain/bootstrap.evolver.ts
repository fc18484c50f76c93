import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import { BOOTSTRAP_COMPLETED, BOOTSTRAP_LINK_ISSUED, type BootstrapCompleted, type BootstrapLinkIssued } from './account.events.js';

/**
 * The `accounts-bootstrap` stream: the links issued since the last completion (each valid until
 * it expires; a newer one does not replace an older one) and the account the last completion
 * created. A completion ends every link issued before it; a later start that finds no account
 * issues links of a new round.
 */
/** Links kept open at once (one per server start, each valid 24 h): more than enough. */
const MAX_OPEN_LINKS = 50;

export interface BootstrapState {
  links: Array<{ digest: string; expiresAt: number }>;
  completedBy: string | null;
}

export const bootstrapEvolver: Evolver<BootstrapState> = {
  initial: { links: [], completedBy: null },
  evolve(state: BootstrapState, event: RecordedEvent): BootstrapState {
    if (event.type === BOOTSTRAP_LINK_ISSUED) {
      const { digest, expiresAt } = event.data as BootstrapLinkIssued;
      return { ...state, links: [...state.links, { digest, expiresAt }].slice(-MAX_OPEN_LINKS) };
    }
    if (event.type === BOOTSTRAP_COMPLETED) return { links: [], completedBy: (event.data as BootstrapCompleted).accountId };
    return state;
  },
};
