import type { RecordedEvent } from '#event-store';
import type { Evolver } from '../../common/event-sourcing/aggregate-stream.js';
import {
  AUTHORIZATION_CODE_ISSUED,
  AUTHORIZATION_CODE_REDEEMED,
  type AuthorizationCodeIssued,
  type AuthorizationCodeRedeemed,
} from './authorization-code.events.js';

export interface AuthorizationCodeState {
  issued: AuthorizationCodeIssued | null;
  redeemed: AuthorizationCodeRedeemed | null;
}

export const authorizationCodeEvolver: Evolver<AuthorizationCodeState> = {
  initial: { issued: null, redeemed: null },
  evolve(state, event: RecordedEvent) {
    switch (event.type) {
      case AUTHORIZATION_CODE_ISSUED:
        return { ...state, issued: event.data as AuthorizationCodeIssued };
      case AUTHORIZATION_CODE_REDEEMED:
        return { ...state, redeemed: state.redeemed ?? (event.data as AuthorizationCodeRedeemed) };
      default:
        return state;
    }
  },
};
