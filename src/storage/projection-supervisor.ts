import type { Logger } from '@nestjs/common';
import { formatPosition } from '#event-store';
import { type ProjectionError, ProjectionFailedError, type ProjectionRunner } from '#projections';
import { storageFaultOf } from './storage-fault.js';

/** How often failed projections are looked for: a fault is seen within this after it stops one. */
const WATCH_INTERVAL_MS = 250;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

export interface SupervisorHooks {
  /** A projection stopped on a storage fault: the storage health hears of it (and logs it once). */
  reportFault(error: unknown): boolean;
}

/**
 * Restarts projections that stopped for a transient reason (the subscription broke, the
 * read-model transaction could not commit: KurrentDB gone, disk full, ...) from their
 * checkpoint, with exponential backoff, until they are live again. A projection whose `apply`
 * refused an event (ProjectionFailedError without a storage cause) is a poison event: replaying it
 * fails the same way forever, so it is left failed (readiness stays false) and logged once.
 *
 * Invariant: nothing here writes read models or checkpoints; a restart is `ProjectionRunner.start`,
 * which resumes each stopped projection at its committed checkpoint, so a restart can neither skip
 * nor apply twice an event. (`start` also retries a poisoned projection, which fails again on the
 * same event at once without committing: harmless, and rare since it only happens with a restart.)
 */
export class ProjectionSupervisor {
  private timer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private delayMs = FIRST_RETRY_MS;
  /** Projections stopped by a transient fault in the current episode (logged once each). */
  private readonly interrupted = new Set<string>();
  /** Poison failures already logged, by projection and event. */
  private readonly poisoned = new Map<string, string>();
  private restarts = 0;
  /** A look (and restart) is under way: the next tick waits for it. */
  private busy = false;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly logger: Logger,
    private readonly hooks: SupervisorHooks,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.watch(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Storage came back: retry now rather than at the end of the current backoff. */
  retrySoon(): void {
    this.retryAt = 0;
    this.delayMs = FIRST_RETRY_MS;
  }

  private async watch(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.look();
    } finally {
      this.busy = false;
    }
  }

  private async look(): Promise<void> {
    const { failed, catchingUp } = this.runner.readiness();
    // Recovered once every projection a fault stopped is live again (a poisoned one may stay failed).
    const down = new Set([...failed.map(({ name }) => name), ...catchingUp]);
    if (this.interrupted.size > 0 && [...this.interrupted].every((name) => !down.has(name))) this.recovered();
    let transient = false;
    for (const { name } of failed) {
      const error = this.runner.failure(name);
      if (error === null) continue;
      if (isPoison(error)) this.notePoison(name, error);
      else {
        transient = true;
        this.noteInterrupted(name, error);
      }
    }
    if (transient && Date.now() >= this.retryAt) await this.restart();
  }

  private async restart(): Promise<void> {
    this.restarts += 1;
    this.retryAt = Date.now() + this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
    try {
      await this.runner.start({ waitForCatchUp: false });
    } catch (error) {
      this.logger.debug(`restarting projections failed: ${(error as Error).message}`);
    }
  }

  private recovered(): void {
    const names = [...this.interrupted].join(', ');
    this.logger.log(`projections ${names} are live again, resumed from their checkpoints after ${this.restarts} restart(s)`);
    this.interrupted.clear();
    this.restarts = 0;
    this.retrySoon();
  }

  private noteInterrupted(name: string, error: ProjectionError): void {
    if (this.interrupted.has(name)) return;
    this.interrupted.add(name);
    // A storage fault is logged once by the storage health; anything else is said here, once.
    if (!this.hooks.reportFault(error)) {
      this.logger.warn(`${error.message}; restarting it from its checkpoint with backoff`);
    }
  }

  private notePoison(name: string, error: ProjectionFailedError): void {
    const key = formatPosition(error.position);
    if (this.poisoned.get(name) === key) return;
    this.poisoned.set(name, key);
    this.logger.error(
      `${error.message}. Retrying cannot help: the projection stays stopped and /readyz answers 503 until ` +
        `meshid is fixed and the projection rebuilt`,
    );
  }
}

function isPoison(error: ProjectionError): error is ProjectionFailedError {
  return error instanceof ProjectionFailedError && storageFaultOf(error.cause) === null;
}
