/** Standard output of the admin commands: `--json` is the API's JSON as is, else readable lines. */
export const write = (text: string): void => void process.stdout.write(text);

export const printJson = (value: unknown): void => write(`${JSON.stringify(value, null, 2)}\n`);

/** A notice beside the result (a warning, a hint to the next page): stderr, so stdout stays the result. */
export const note = (text: string): void => void process.stderr.write(`${text}\n`);

/** The line under every secret or token printed in text. */
export const SHOWN_ONCE = '(shown this once, it will not be shown again: meshid keeps only a hash of it)';
