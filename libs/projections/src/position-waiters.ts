import { comparePositions, type Position } from '#event-store';
import { type LaggingProjection, type ProjectionError, ProjectionLagTimeoutError } from './errors.js';

/** What a waiter needs to know of one projection. */
export interface WaitedProjection {
  readonly name: string;
  readonly checkpoint: Position | null;
  readonly error: ProjectionError | null;
}

interface Waiter {
  position: Position;
  projections: readonly WaitedProjection[];
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A checkpoint has reached `position` if it is at or after it; no checkpoint reaches nothing. */
export function hasReached(checkpoint: Position | null, position: Position): boolean {
  return checkpoint !== null && comparePositions(checkpoint, position) >= 0;
}

/**
 * Pending `waitFor` calls. The runner calls `check()` after every commit and failure; a waiter
 * settles at the first check that finds every projection it waits on at or past its position
 * (resolve), or one that has not got there failed (reject at once: it never will). A projection
 * that failed after passing the position does not block: the rows awaited are committed.
 */
export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(position: Position, timeoutMs: number, projections: readonly WaitedProjection[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        projections,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const lagging: LaggingProjection[] = projections
            .filter((p) => !hasReached(p.checkpoint, position))
            .map((p) => ({ name: p.name, checkpoint: p.checkpoint }));
          reject(new ProjectionLagTimeoutError(position, timeoutMs, lagging));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.settle(waiter);
    });
  }

  check(): void {
    for (const waiter of this.waiters) this.settle(waiter);
  }

  private settle(waiter: Waiter): void {
    let behind = false;
    for (const projection of waiter.projections) {
      if (hasReached(projection.checkpoint, waiter.position)) continue;
      if (projection.error !== null) return this.finish(waiter, projection.error);
      behind = true;
    }
    if (!behind) this.finish(waiter, null);
  }

  private finish(waiter: Waiter, error: Error | null): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (error === null) waiter.resolve();
    else waiter.reject(error);
  }
}
