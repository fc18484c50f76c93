import { pino, type Logger } from 'pino';
import type { LOG_FORMATS, LOG_LEVELS } from '../config/meshid-config.js';
import { type LogDestination, STANDARD_OUTPUT, textDestination } from './log-destination.js';
import { PINO_LEVEL } from './log-levels.js';
import { REDACTED_PATHS, requestForLog, responseForLog } from './log-redaction.js';

export interface RootLoggerOptions {
  /** MESHID_LOG_LEVEL, in Nest's names. */
  level: (typeof LOG_LEVELS)[number];
  /** MESHID_LOG_FORMAT. */
  format: (typeof LOG_FORMATS)[number];
  /** Standard output unless given (tests read the lines back). */
  destination?: LogDestination;
}

/**
 * The one pino logger of a server: Nest's logger (PinoNestLogger) and Fastify's request logger
 * both write through it. Each line is one JSON object: `time` (ISO 8601), `level` (pino's
 * names: info for Nest's log, trace for verbose), `context`, `msg`, and for a request `reqId`,
 * `method`, `route`, `status`, `responseTime` (ms). No pid or host name: the collector adds them.
 */
export function createRootLogger(options: RootLoggerOptions): Logger {
  const destination = options.destination ?? STANDARD_OUTPUT;
  return pino(
    {
      level: PINO_LEVEL[options.level],
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { req: requestForLog, res: responseForLog, err: pino.stdSerializers.err },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    options.format === 'text' ? textDestination(destination) : destination,
  );
}
