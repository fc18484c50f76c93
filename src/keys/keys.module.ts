import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { EnsureSigningKeysHandler } from './commands/ensure-signing-keys.handler.js';
import { ImportSigningKeyHandler } from './commands/import-signing-key.handler.js';
import { RetireSigningKeyHandler } from './commands/retire-signing-key.handler.js';
import { RotateSigningKeysHandler } from './commands/rotate-signing-keys.handler.js';
import { SigningKeysWriter } from './commands/signing-keys.writer.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { rotationPolicyFor } from './domain/rotation-policy.js';
import { JwksController } from './http/jwks.controller.js';
import { ROTATION_POLICY } from './keys.tokens.js';
import { KeyRing } from './read-model/key-ring.js';
import { SigningKeyScheduler } from './read-model/signing-key.scheduler.js';
import { SigningKeysProjection } from './read-model/signing-keys.projection.js';
import { SigningKeysQuery } from './read-model/signing-keys.query.js';

/**
 * Signing keys: generation, rotation with pre-publication (the `signing-keys` stream), the
 * in-memory key ring tokens are signed with, and JWKS.
 */
@Module({
  controllers: [JwksController],
  providers: [
    Clock,
    { provide: ROTATION_POLICY, useFactory: rotationPolicyFor, inject: [MeshidConfig] },
    SigningKeysWriter,
    EnsureSigningKeysHandler,
    RotateSigningKeysHandler,
    RetireSigningKeyHandler,
    ImportSigningKeyHandler,
    SigningKeysQuery,
    KeyRing,
    SigningKeysProjection,
    SigningKeyScheduler,
  ],
  exports: [KeyRing, SigningKeysQuery, ROTATION_POLICY],
})
export class KeysModule {}
