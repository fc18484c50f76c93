import { isLosslessNumber, parse } from 'lossless-json';

/**
 * tsidp's files parsed losslessly: a kid is a uint64, often above 2^53, which JSON.parse would
 * silently round to another kid. Numbers come back as LosslessNumber, holding their digits.
 */
export function parseTsidpJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error: `is not valid JSON (${(error as Error).message})` };
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** A JSON value as it was written, for messages: numbers with all their digits. */
export function showJson(value: unknown): string {
  return isLosslessNumber(value) ? value.toString() : JSON.stringify(value) ?? '(missing)';
}
