import { createPrivateKey, type KeyObject } from 'node:crypto';
import { isLosslessNumber } from 'lossless-json';
import { type ImportedSigningKey, importableKey, InvalidImportedKeyError } from '../keys/domain/key-import.js';
import { isJsonObject, parseTsidpJson, showJson } from './tsidp-json.js';

export const KEY_FILE = 'oidc-key.json';

const UINT64_MAX = 2n ** 64n - 1n;

/** tsidp's kid: a uint64 written as a JSON number (Go's encoding), kept as its decimal digits. */
function kidOf(value: unknown): string | undefined {
  if (!isLosslessNumber(value) || !/^(0|[1-9][0-9]*)$/.test(value.value)) return undefined;
  return BigInt(value.value) <= UINT64_MAX ? value.value : undefined;
}

function privateKeyOf(pem: string): KeyObject | string {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    return `is not a PEM private key (${(error as Error).message})`;
  }
}

/**
 * `oidc-key.json` = `{"kid": <uint64>, "key": "<PKCS#1 PEM>"}` (tsidp `server.go`), checked to the
 * last field: the key, with its kid as the exact decimal digits of the file, or the problems.
 */
export function parseTsidpKeyFile(text: string): { key: ImportedSigningKey } | { problems: string[] } {
  const fail = (message: string) => ({ problems: [`${KEY_FILE}: ${message}`] });
  const parsed = parseTsidpJson(text);
  if ('error' in parsed) return fail(parsed.error);
  const doc = parsed.value;
  if (!isJsonObject(doc)) return fail('must be a JSON object {"kid": <uint64>, "key": "<PEM>"}');
  const problems: string[] = [];
  const kid = kidOf(doc['kid']);
  if (kid === undefined) problems.push(`${KEY_FILE}: kid ${showJson(doc['kid'])} is not an unsigned 64-bit integer (a JSON number, as tsidp writes it)`);
  let privateKey: KeyObject | undefined;
  if (typeof doc['key'] !== 'string') problems.push(`${KEY_FILE}: key ${showJson(doc['key'])} is not a PEM string`);
  else {
    const opened = privateKeyOf(doc['key']);
    if (typeof opened === 'string') problems.push(`${KEY_FILE}: key ${opened}`);
    else privateKey = opened;
  }
  if (kid === undefined || privateKey === undefined) return { problems };
  try {
    return { key: importableKey(kid, privateKey) };
  } catch (error) {
    if (!(error instanceof InvalidImportedKeyError)) throw error;
    return fail(`key: ${error.message}`);
  }
}
