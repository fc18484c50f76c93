import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import { SESSION_ENDED, SESSION_STARTED, type SessionEnded, type SessionStarted } from './session.events.js';

export interface SessionState {
  started: SessionStarted | null;
  /** The first end wins; a session never comes back to life. */
  ended: SessionEnded | null;
}

export const sessionEvolver: Evolver<SessionState> = {
  initial: { started: null, ended: null },
  evolve(state, event: RecordedEvent) {
    switch (event.type) {
      case SESSION_STARTED:
        return { ...state, started: event.data as SessionStarted };
      case SESSION_ENDED:
        return { ...state, ended: state.ended ?? (event.data as SessionEnded) };
      default:
        return state;
    }
  },
};

/** Started and not ended. */
export function isLive(state: SessionState): state is SessionState & { started: SessionStarted; ended: null } {
  return state.started !== null && state.ended === null;
}
