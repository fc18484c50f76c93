import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { LogSealer } from './log-sealer.js';

/**
 * Tamper evidence (issue F §4): the sealer that follows the log and appends signed seals, in the
 * server and in every offline CLI run alike. Verification (`meshid audit verify`) needs no module:
 * it opens the store itself (verify.cli.ts).
 */
@Module({ providers: [Clock, LogSealer], exports: [LogSealer] })
export class LogSealModule {}
