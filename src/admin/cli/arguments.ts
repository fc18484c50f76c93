import { InvalidArgumentError } from 'commander';

/*
 * Parsers for the admin commands' arguments and flags: a bad value is a usage error (exit 1)
 * before anything is opened or sent, and the message names what was expected.
 */

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `--limit`: how many items one page of the admin API holds (its own bounds). */
export const MAX_LIMIT = 200;

export function parseLimit(value: string): number {
  if (!/^[1-9][0-9]{0,2}$/.test(value) || Number(value) > MAX_LIMIT) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_LIMIT}`);
  }
  return Number(value);
}

/** `--expected-revision`: the client revision an update, delete or rotate-secret is for. */
export function parseRevision(value: string): number {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) throw new InvalidArgumentError('expected a revision number (0, 1, 2, ...)');
  return Number(value);
}

/**
 * An id given on the command line (client, grant, key, token, cursor). The server knows which
 * exist; here only what can never be one is refused, since ids travel in URL paths (encoded).
 */
export function identifier(what: string): (value: string) => string {
  return (value) => {
    if (value === '' || value.length > 2048 || CONTROL_OR_SPACE.test(value)) {
      throw new InvalidArgumentError(`expected a ${what}: 1 to 2048 characters, without spaces or control characters`);
    }
    return value;
  };
}

/** Free text sent as a query or a body field (`--search`, `--subject`): one line, bounded. */
export function text(what: string, maxLength: number): (value: string) => string {
  return (value) => {
    if (value.trim() === '' || value.length > maxLength || CONTROL.test(value)) {
      throw new InvalidArgumentError(`expected ${what}: 1 to ${maxLength} characters on one line, without control characters`);
    }
    return value;
  };
}

/**
 * `--url`: the base URL of a running meshid, where its discovery document and /api/v1 live.
 * Credentials belong in --token, never in a URL that ends up in messages and shell history.
 */
export function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an absolute http(s) URL, e.g. https://idp.example.ts.net');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError('expected an http or https URL');
  if (url.username || url.password) throw new InvalidArgumentError('expected a URL without user name or password (use --token)');
  if (url.search || url.hash) throw new InvalidArgumentError('expected a base URL without query or fragment');
  return url;
}
