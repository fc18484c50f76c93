/**
 * A small reader for HuJSON, the JSON dialect of Tailscale policy files: standard JSON plus `//`
 * and `/* *\/` comments and trailing commas. Comments and trailing commas are blanked out (not
 * removed) so that JSON.parse's error positions still point into the original text.
 */

/** A HuJSON text that cannot be parsed; `line` and `column` are 1-based when known. */
export class HujsonError extends Error {
  override readonly name = 'HujsonError';

  constructor(
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? reason : `line ${line} column ${column}: ${reason}`);
  }
}

/** Parses HuJSON text into a plain JSON value; throws HujsonError. */
export function parseHujson(text: string): unknown {
  const standard = standardizeHujson(text);
  try {
    return JSON.parse(standard);
  } catch (error) {
    throw jsonErrorAt(standard, (error as Error).message);
  }
}

/** Characters after which a comma separates values, so a comma before `]` or `}` is trailing. */
const VALUE_ENDS = new Set(['"', ']', '}', 'e', 'l', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/**
 * The text as standard JSON, same length: comments and trailing commas become spaces (line breaks
 * inside block comments are kept). A comma not preceded by a value (`[,]`) is left for JSON.parse
 * to reject, as HuJSON does.
 */
export function standardizeHujson(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  if (out[0] === '\uFEFF') out[0] = ' ';
  let lastSignificant = '';
  let trailingCandidate = -1;
  let i = 0;
  while (i < text.length) {
    const character = text[i]!;
    if (character === '"') {
      i = endOfString(text, i);
      lastSignificant = '"';
      trailingCandidate = -1;
    } else if (character === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (character === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new HujsonError('unterminated /* comment', ...lineAndColumn(text, i));
      blank(i, end + 2);
      i = end + 2;
    } else if (character === ' ' || character === '\t' || character === '\n' || character === '\r') {
      i++;
    } else {
      if (character === ',') {
        trailingCandidate = VALUE_ENDS.has(lastSignificant) ? i : -1;
      } else {
        if ((character === ']' || character === '}') && trailingCandidate !== -1) out[trailingCandidate] = ' ';
        trailingCandidate = -1;
      }
      lastSignificant = character;
      i++;
    }
  }
  return out.join('');
}

/** The index just after the string literal that starts at `start` (or the text's end if unterminated). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const character = text[i];
    if (character === '\\') i += 2;
    else if (character === '"') return i + 1;
    else i++;
  }
  return text.length;
}

/** 1-based line and column of an index. */
function lineAndColumn(text: string, index: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, index - lineStart + 1];
}

/** JSON.parse's message turned into a HujsonError with a line and column. */
function jsonErrorAt(text: string, message: string): HujsonError {
  // Node 20 says either "... in JSON at position N" or "Unexpected token 'x', "<text>" is not valid JSON".
  const quoted = message.endsWith(' is not valid JSON') ? message.indexOf(', "') : -1;
  const reason = (quoted === -1 ? message : message.slice(0, quoted))
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '');
  const position = /at position (\d+)/.exec(message);
  const index = position !== null ? Number(position[1]) : firstUnparsableIndex(text);
  return new HujsonError(reason, ...lineAndColumn(text, index));
}

/** Whether JSON.parse of this prefix fails only because the text stops early (or not at all). */
function isViablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return true;
    const position = /at position (\d+)/.exec(message);
    return position !== null && Number(position[1]) >= prefix.length;
  }
}

/**
 * Where JSON.parse gave up, for the messages that do not say: the last character of the shortest
 * prefix that is no longer the start of some valid document (found by bisection).
 */
function firstUnparsableIndex(text: string): number {
  let viable = 0;
  let broken = text.length;
  if (isViablePrefix(text)) return text.length;
  while (broken - viable > 1) {
    const middle = Math.floor((viable + broken) / 2);
    if (isViablePrefix(text.slice(0, middle))) viable = middle;
    else broken = middle;
  }
  return broken - 1;
}
