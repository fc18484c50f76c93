import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { thresholdOf } from './log-levels.js';

/** A string Nest passes as an error's stack rather than its context. */
const looksLikeStack = (value: string) => /\n\s+at /.test(value);

/**
 * Nest's LoggerService over the server's pino logger, so that every `new Logger('Context')` in
 * the code writes JSON lines with the same fields as the request lines. Nest's calling
 * convention: `log(message, ...params, context)`, and for `error` a stack before the context.
 */
export class PinoNestLogger implements LoggerService {
  constructor(
    private readonly logger: Logger,
    private readonly defaultContext = 'meshid',
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** `app.useLogger([...levels])`: pino has a threshold, the most detailed level given. */
  setLogLevels(levels: LogLevel[]): void {
    this.logger.level = thresholdOf(levels);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = params.filter((param) => param !== undefined);
    let context = this.defaultContext;
    const last = rest.at(-1);
    if (typeof last === 'string' && !looksLikeStack(last)) {
      context = last;
      rest.pop();
    }
    const fields: Record<string, unknown> = { context };
    const stack = rest.find((param): param is string => typeof param === 'string');
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      fields.data = message;
      this.logger[level](fields, '');
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
