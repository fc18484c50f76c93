import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import { LOGIN_NAME_CLAIMED, LOGIN_NAME_RELEASED, type LoginNameClaimed, type LoginNameReleased } from './account.events.js';

/** Who a `login-name-<ref>` stream says holds the name: the last claim not released, or nobody. */
export interface LoginNameState {
  holder: string | null;
}

export const loginNameEvolver: Evolver<LoginNameState> = {
  initial: { holder: null },
  evolve(state: LoginNameState, event: RecordedEvent): LoginNameState {
    if (event.type === LOGIN_NAME_CLAIMED) return { holder: (event.data as LoginNameClaimed).accountId };
    if (event.type === LOGIN_NAME_RELEASED && (event.data as LoginNameReleased).accountId === state.holder) return { holder: null };
    return state;
  },
};
