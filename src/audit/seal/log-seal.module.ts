import { Module } from '@nestjs/common';

/** Tamper evidence (issue F §4): the sealer that follows the log and appends signed seals. */
@Module({})
export class LogSealModule {}
