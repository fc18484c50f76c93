import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../common/event-sourcing/aggregate-stream.js';
import type { SigningAlg } from '../domain/signing-keys.events.js';
import type { SigningKeysOutcome } from './signing-keys.writer.js';

/**
 * Rotate the keys of `algs` now: a new key is published at once and signs after the
 * pre-publication delay, or at once with `immediate`. A rotation already pending for an alg is
 * that alg's rotation (nothing new is generated; `immediate` activates it). Racing rotations of
 * the same state produce one rotation.
 */
export class RotateSigningKeysCommand extends Command<SigningKeysOutcome> {
  constructor(
    readonly algs: readonly SigningAlg[],
    readonly immediate: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
