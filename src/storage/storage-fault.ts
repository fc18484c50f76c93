import { EventStoreUnavailableError } from '#event-store';
import { ProjectionFailedError, ProjectionInterruptedError, ProjectionLagTimeoutError } from '#projections';

/** What is wrong with storage, in an operator's words (the `/readyz` reason and the log line). */
export type StorageFaultKind = 'read-only' | 'disk-full' | 'corrupt' | 'io-error' | 'locked' | 'unreachable';

export interface StorageFault {
  kind: StorageFaultKind;
  /** The underlying error's message (for logs and `/readyz`, never for OAuth callers). */
  detail: string;
}

const DESCRIPTIONS: Readonly<Record<StorageFaultKind, string>> = {
  'read-only': 'the database or its directory is read-only',
  'disk-full': 'the disk holding the database is full',
  corrupt: 'the database file is corrupt (restore it from a backup)',
  'io-error': 'the database file cannot be read or written',
  locked: 'the database is locked by another process',
  unreachable: 'the event store cannot be reached',
};

export function describeFault(kind: StorageFaultKind): string {
  return DESCRIPTIONS[kind];
}

/**
 * The one file fault meshid cannot clear by itself: its connections still hold the file that was
 * there when it started (an operator restored a backup by renaming it over the old one).
 */
const MOVED = 'the database file was moved or replaced while meshid had it open: restart meshid to open the file now there';

/** How deep a cause chain is followed (a projection error wraps a store error wraps the driver's). */
const MAX_CAUSES = 6;

/**
 * Classifies an error as a storage fault by the SQLite result code or errno found anywhere in its
 * cause chain; a store that says it is unavailable for another reason (KurrentDB down, a closed
 * store) is `unreachable`. Null for everything else, in particular for a projection that failed on
 * an event its `apply` refused (ProjectionFailedError without a storage cause): that is a bug in
 * meshid, not a fault that goes away, so it must never be retried or reported as one.
 */
export function storageFaultOf(error: unknown): StorageFault | null {
  let unavailable: EventStoreUnavailableError | null = null;
  let current: unknown = error;
  // Duck-typed rather than `instanceof Error`: the driver's errors may come from another realm.
  for (let depth = 0; depth < MAX_CAUSES && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    const kind = kindOfCode(code);
    if (kind !== null) return { kind, detail: code === 'SQLITE_READONLY_DBMOVED' ? `${String(message)}; ${MOVED}` : String(message) };
    if (current instanceof EventStoreUnavailableError) unavailable ??= current;
    current = cause;
  }
  return unavailable === null ? null : { kind: 'unreachable', detail: unavailable.message };
}

/**
 * An error a caller should see as "try again later" (503 temporarily_unavailable): a storage
 * fault, or read models that could not catch up with a write in time or stopped for a reason
 * other than a poison event.
 */
export function isTemporarilyUnavailable(error: unknown): boolean {
  if (storageFaultOf(error) !== null) return true;
  if (error instanceof ProjectionFailedError) return false;
  return error instanceof ProjectionLagTimeoutError || error instanceof ProjectionInterruptedError;
}

function kindOfCode(code: unknown): StorageFaultKind | null {
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'EIO' || code === 'EACCES' || code === 'EPERM') {
    return 'io-error';
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  return null;
}
