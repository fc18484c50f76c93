import { userInfo } from 'node:os';
import type { Principal } from '../api/admin-api.js';

/** The OS user running the CLI; "unknown" when there is no passwd entry (some containers). */
export function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Who an offline command acts as, recorded in every event it appends: `cli:<os user>`. */
export function cliPrincipal(): Principal {
  const user = osUser();
  return { kind: 'cli', actor: `cli:${user}`, name: user };
}
