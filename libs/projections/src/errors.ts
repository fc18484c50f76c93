import { formatPosition, type Position, type RecordedEvent } from '#event-store';

/** Base class of every error the projections library raises on purpose. */
export class ProjectionError extends Error {
  override readonly name: string = 'ProjectionError';
}

/**
 * A migration cannot be applied, or the database's migration history no longer matches the
 * files. Start must stop on it: running against a schema that differs from the one the code
 * expects corrupts read models silently.
 */
export class MigrationError extends ProjectionError {
  override readonly name = 'MigrationError';

  constructor(
    message: string,
    /** The migration file (or directory) concerned, as a path. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A projection's `apply` threw. The runner rolled back that event's writes, left the checkpoint
 * on the event before it and stopped the projection; `rebuild` or a restart retries it.
 */
export class ProjectionFailedError extends ProjectionError {
  override readonly name = 'ProjectionFailedError';
  readonly position: Position;
  readonly stream: string;
  readonly eventType: string;

  constructor(
    readonly projection: string,
    event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `projection "${projection}" failed on the event at position ${formatPosition(event.position)} ` +
        `(stream "${event.stream}", type ${event.type}, id ${event.id}): ${describe(cause)}`,
      { cause },
    );
    this.position = event.position;
    this.stream = event.stream;
    this.eventType = event.type;
  }
}

/**
 * The projection stopped for a reason outside its `apply`: the subscription ended with an error,
 * or the read-model transaction could not commit. Its checkpoint is where the last commit left it.
 */
export class ProjectionInterruptedError extends ProjectionError {
  override readonly name = 'ProjectionInterruptedError';

  constructor(
    readonly projection: string,
    what: string,
    cause: unknown,
  ) {
    super(`projection "${projection}" stopped: ${what}: ${describe(cause)}`, { cause });
  }
}

/** One projection that had not reached the awaited position. */
export interface LaggingProjection {
  name: string;
  checkpoint: Position | null;
}

/** `waitFor` gave up: the named projections had not reached `position` within the timeout. */
export class ProjectionLagTimeoutError extends ProjectionError {
  override readonly name = 'ProjectionLagTimeoutError';

  constructor(
    readonly position: Position,
    readonly timeoutMs: number,
    readonly lagging: readonly LaggingProjection[],
  ) {
    const names = lagging
      .map((p) => `"${p.name}" (at ${p.checkpoint === null ? 'no checkpoint' : formatPosition(p.checkpoint)})`)
      .join(', ');
    super(`read models did not reach position ${formatPosition(position)} within ${timeoutMs} ms: ${names}`);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
