import type { LogLevel } from '@nestjs/common';
import type { Level } from 'pino';

/** Nest's level names (those of MESHID_LOG_LEVEL) in pino's, which the JSON lines carry. */
export const PINO_LEVEL: Readonly<Record<LogLevel, Level>> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Most to least severe: a threshold logs its level and every one before it. */
const SEVERITY: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * The pino threshold for a set of Nest levels (what `app.useLogger(['error', 'warn'])` passes):
 * the most detailed of them, since a pino logger has a threshold, not a set. `silent` for none.
 */
export function thresholdOf(levels: readonly LogLevel[]): Level | 'silent' {
  let threshold: Level | 'silent' = 'silent';
  for (const level of levels) {
    const pinoLevel = PINO_LEVEL[level];
    if (pinoLevel !== undefined && (threshold === 'silent' || SEVERITY.indexOf(pinoLevel) > SEVERITY.indexOf(threshold))) threshold = pinoLevel;
  }
  return threshold;
}
