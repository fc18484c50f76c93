import { Module } from '@nestjs/common';

/** Retention (issue F §5): expiry of authorization-code and audit-day streams. */
@Module({})
export class RetentionModule {}
