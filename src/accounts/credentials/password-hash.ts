import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/** Password length policy (NIST SP 800-63B: at least 8; we ask 10, and cap the work an attacker can ask for). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/** Today's scrypt parameters (N = 2^15, r = 8, p = 1: 32 MiB, ~50-100 ms). */
export const PASSWORD_HASH_PARAMETERS = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * The encoded form: `scrypt$N=32768,r=8,p=1$<salt>$<key>` (base64url). It carries its parameters,
 * so they can be raised later: old hashes keep verifying under the parameters they were made with.
 */
const ENCODED = /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  // maxmem: 128 * N * r bytes plus headroom (node's default, 32 MiB, is just too small for N = 2^15).
  const scryptOptions: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, scryptOptions, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** The encoded scrypt hash of `password` with a fresh random salt. The password is NFKC-normalised first. */
export async function hashPassword(password: string, parameters = PASSWORD_HASH_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters, KEY_BYTES);
  return `scrypt$N=${parameters.N},r=${parameters.r},p=${parameters.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `encoded`, compared in constant time; false for any malformed or out-of-range hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (match === null) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Parameters are read from the log: refuse ones that would make verification a denial of service.
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r > 32 || p > 16) return false;
  const expected = Buffer.from(match[5]!, 'base64url');
  const actual = await derive(password, Buffer.from(match[4]!, 'base64url'), { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/** Whether a password keeps the length policy; the reason when it does not. */
export function passwordPolicyViolation(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  return null;
}

/**
 * A hash of a random password made once per process: sign-in verifies against it when the login
 * is unknown or has no password, so that such an attempt costs what a wrong password costs and
 * timing does not tell which logins exist.
 */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}
