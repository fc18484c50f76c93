import { closeSync, openSync, rmSync } from 'node:fs';
import { type EventStore, type Position } from '#event-store';
import type { Projection } from '#projections';
import type { AtTarget } from './at-target.js';
import { replayLog } from './replay-engine.js';
import { openScratchReadModels } from './scratch-database.js';

/** Where the state is taken: the last event position included, and the moment it stands for. */
export interface ResolvedMoment {
  /** Null when no event is included (a time before the first event): the empty state. */
  position: Position | null;
  /** A time target's time; for a position, the `createdAt` of the last event at or before it. */
  at: Date | null;
}

/**
 * The moment a target names. A time resolves to the last position whose event has `createdAt <=
 * time`, by one forward scan of the whole log in constant memory (the whole log: clocks of several
 * replicas need not agree, so a later position may still carry an earlier time).
 */
export async function resolveMoment(store: EventStore, target: AtTarget): Promise<ResolvedMoment> {
  if (target.kind === 'position') {
    for await (const event of store.readAll({ direction: 'backwards', fromPosition: target.position, maxCount: 1 })) {
      return { position: target.position, at: event.createdAt };
    }
    return { position: null, at: null };
  }
  const limit = target.time.getTime();
  let position: Position | null = null;
  const controller = new AbortController();
  try {
    for await (const message of store.subscribeAll({ fromPosition: 'start', signal: controller.signal })) {
      if (message.kind === 'caughtUp') break;
      // In `$all` order, so the last event that qualifies is the latest position.
      if (message.kind === 'event' && message.event.createdAt.getTime() <= limit) position = message.event.position;
    }
  } finally {
    controller.abort();
  }
  return { position, at: target.time };
}

/** Refused: the output file exists and --force was not given. */
export class OutputExistsError extends Error {
  override readonly name = 'OutputExistsError';
}

/**
 * Replays every projection up to `position` (inclusive; null: nothing) into a new SQLite file at
 * `path`. The file is created exclusively (an existing one is refused unless `overwrite`), so two
 * runs never write into one file, and removed again if the replay fails: a file that exists is a
 * complete state. It ends as a plain rollback-journal database that opens on its own.
 */
export async function materialiseAt(store: EventStore, projections: readonly Projection[], path: string, position: Position | null, overwrite: boolean): Promise<void> {
  if (overwrite) removeDatabaseFile(path);
  try {
    closeSync(openSync(path, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OutputExistsError(`${path} exists: choose another --out or give --force to replace it`);
    throw error;
  }
  try {
    const readModels = openScratchReadModels(path);
    try {
      await replayLog(store, readModels.db, projections.map((projection) => ({ projection, until: position })));
      readModels.db.pragma('journal_mode = DELETE');
    } finally {
      readModels.close();
    }
  } catch (error) {
    removeDatabaseFile(path);
    throw error;
  }
}

function removeDatabaseFile(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}
