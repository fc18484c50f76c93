import { open } from 'node:fs/promises';
import { parsePosition, type Position } from '#event-store';
import { AdminApiError } from '../../admin/api/admin-api.js';

/** How much of the file's end is read at a time while looking for its last complete line. */
const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Where an interrupted NDJSON export to `path` resumes: the position of its last complete line
 * (a line ends with `\n`; an export cut short may leave a torn line after it, which is truncated
 * away so the appended records start on a line of their own). Undefined when the file does not
 * exist or holds no complete line, i.e. start from the beginning. A last line that is not an
 * export record is refused: appending after something else would make the file neither.
 * Reads backwards from the end, a block at a time: the cost is the last line's, not the file's.
 */
export async function resumePoint(path: string): Promise<Position | undefined> {
  let file;
  try {
    file = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AdminApiError('invalid_request', `--output ${path} cannot be opened to resume: ${(error as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    const lastEnd = await lastNewlineBefore(file, size);
    if (lastEnd === -1) {
      if (size > 0) await file.truncate(0);
      return undefined;
    }
    if (lastEnd + 1 < size) await file.truncate(lastEnd + 1);
    const lineStart = (await lastNewlineBefore(file, lastEnd)) + 1;
    const line = Buffer.alloc(lastEnd - lineStart);
    await file.read(line, 0, line.length, lineStart);
    return positionOf(line.toString('utf8'), path);
  } finally {
    await file.close();
  }
}

/** The offset of the last `\n` before `end`, or -1. */
async function lastNewlineBefore(file: Awaited<ReturnType<typeof open>>, end: number): Promise<number> {
  const buffer = Buffer.alloc(BLOCK);
  let stop = end;
  while (stop > 0) {
    const start = Math.max(0, stop - BLOCK);
    const { bytesRead } = await file.read(buffer, 0, stop - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at !== -1) return start + at;
    stop = start;
  }
  return -1;
}

function positionOf(line: string, path: string): Position {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = undefined;
  }
  const position = (record as { position?: unknown } | undefined)?.position;
  try {
    if (typeof position === 'string') return parsePosition(position);
  } catch {
    // Refused below with the file named.
  }
  throw new AdminApiError('invalid_request', `--resume: the last line of ${path} is not an NDJSON export record with a position`);
}
