/**
 * The import was refused: each problem names the file, and the client and field, so one round
 * trip fixes them all. `written` is what was imported before a write failed; empty when the
 * refusal came from validation or the conflict check, which run before anything is written.
 */
export class TsidpImportError extends Error {
  override readonly name = 'TsidpImportError';
  constructor(
    readonly problems: readonly string[],
    readonly written: readonly string[] = [],
  ) {
    super(`import-tsidp refused:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}
