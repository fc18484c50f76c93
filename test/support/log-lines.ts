/**
 * The messages of what a server printed: the `msg` of each JSON log line (MESHID_LOG_FORMAT=json,
 * the default), or the line itself, colours stripped, for anything else. For tests that read a
 * line an operator would (the first-run link) out of the log.
 */
export function logMessages(printed: string): string[] {
  return printed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const record = JSON.parse(line) as { msg?: unknown };
        if (typeof record.msg === 'string') return record.msg;
      } catch {
        // not a JSON line
      }
      return line.replace(/\u001b\[[0-9;]*m/g, '');
    });
}
