import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { Clock } from '../../common/clock.js';
import { EnsureSigningKeysCommand } from '../commands/ensure-signing-keys.command.js';
import { nextDueAt, type RotationPolicy } from '../domain/rotation-policy.js';
import { ROTATION_POLICY } from '../keys.tokens.js';

/** Never re-check sooner than this, even when something is due (or keeps failing). */
const MIN_DELAY_MS = 1000;

/**
 * Keeps the keys in line with the policy while meshid serves: ensures keys at start, then
 * re-evaluates when the next activation or rotation falls due, and at least every
 * `checkIntervalMs`. Every replica runs it; the stream's concurrency gate makes one of them win.
 * An offline CLI application (no HTTP adapter) never schedules: its commands act explicitly.
 */
@Injectable()
export class SigningKeyScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROTATION_POLICY) private readonly policy: RotationPolicy,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.adapterHost.httpAdapter) return;
    this.running = this.evaluate();
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async evaluate(): Promise<void> {
    let due: number | undefined;
    try {
      const context = { actor: 'system', correlationId: randomUUID() };
      const outcome = await this.commands.execute(new EnsureSigningKeysCommand(context));
      for (const event of outcome.appended) this.logger.log(`${event.type} ${event.data.alg} ${event.data.kid}`);
      due = nextDueAt(outcome.state, this.policy);
    } catch (error) {
      this.logger.error(`signing keys not evaluated, retrying later: ${(error as Error).message}`);
    }
    this.schedule(due);
  }

  private schedule(due: number | undefined): void {
    if (this.stopped) return;
    const wait = due === undefined ? this.policy.checkIntervalMs : due - this.clock.now();
    const delay = Math.min(this.policy.checkIntervalMs, Math.max(MIN_DELAY_MS, wait));
    this.timer = setTimeout(() => (this.running = this.evaluate()), delay);
    this.timer.unref();
  }
}
