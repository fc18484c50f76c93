/** Where log lines go: pino writes each line, newline included, with one `write` call. */
export interface LogDestination {
  write(line: string): void;
}

/**
 * Standard output, looked up at every write rather than captured once (pino's own destination
 * writes to file descriptor 1 directly): whoever replaces `process.stdout.write`, as tests that
 * read the first-run link do, sees every line. Writes to a pipe or file are synchronous on Linux,
 * so nothing logged before `process.exit` is lost.
 */
export const STANDARD_OUTPUT: LogDestination = {
  write(line) {
    process.stdout.write(line);
  },
};

/** Fields every line has, which the text format prints in fixed places rather than as `key=value`. */
const FIXED_FIELDS = new Set(['time', 'level', 'msg', 'context']);

/**
 * MESHID_LOG_FORMAT=text: each JSON line rewritten for people, e.g.
 * `2026-01-02T03:04:05.678Z INFO  [Projections] following the log ... reqId=...`.
 * Carries the same fields as the JSON line, so it is no less redacted.
 */
export function textDestination(inner: LogDestination): LogDestination {
  return {
    write(line) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        inner.write(line);
        return;
      }
      const extra = Object.entries(record)
        .filter(([key]) => !FIXED_FIELDS.has(key))
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('');
      const level = String(record.level ?? '').toUpperCase().padEnd(5);
      const context = record.context === undefined ? '' : ` [${String(record.context)}]`;
      inner.write(`${String(record.time ?? '')} ${level}${context} ${String(record.msg ?? '')}${extra}\n`);
    },
  };
}
