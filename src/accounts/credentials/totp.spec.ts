import { describe, expect, it } from '@jest/globals';
import { base32Decode, base32Encode } from './base32.js';
import { matchTotp, totpCode, totpStep, totpUri } from './totp.js';

/** RFC 6238 Appendix B: the SHA-1 seed and its 8-digit codes. */
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC test vectors (SHA-1, 8 digits), and their last 6 digits as apps show them', () => {
    for (const [seconds, code] of VECTORS) {
      expect(totpCode(SEED, totpStep(seconds * 1000), 8)).toBe(code);
      expect(totpCode(SEED, totpStep(seconds * 1000))).toBe(code.slice(2));
    }
  });

  it('accepts the current step and one either side, and tells which step matched', () => {
    const at = 1111111111 * 1000;
    const step = totpStep(at);
    expect(matchTotp(SEED, totpCode(SEED, step), at, -1)).toBe(step);
    expect(matchTotp(SEED, totpCode(SEED, step - 1), at, -1)).toBe(step - 1);
    expect(matchTotp(SEED, totpCode(SEED, step + 1), at, -1)).toBe(step + 1);
    expect(matchTotp(SEED, totpCode(SEED, step - 2), at, -1)).toBeNull();
    expect(matchTotp(SEED, totpCode(SEED, step + 2), at, -1)).toBeNull();
  });

  it('never accepts a step at or before the last one used (single use)', () => {
    const at = 1111111111 * 1000;
    const step = totpStep(at);
    expect(matchTotp(SEED, totpCode(SEED, step), at, step)).toBeNull();
    expect(matchTotp(SEED, totpCode(SEED, step - 1), at, step - 1)).toBeNull();
    expect(matchTotp(SEED, totpCode(SEED, step + 1), at, step)).toBe(step + 1);
  });

  it('refuses anything but six digits (spaces are ignored)', () => {
    const at = 1111111111 * 1000;
    const code = totpCode(SEED, totpStep(at));
    expect(matchTotp(SEED, `${code.slice(0, 3)} ${code.slice(3)}`, at, -1)).toBe(totpStep(at));
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`]) expect(matchTotp(SEED, bad, at, -1)).toBeNull();
  });

  it('encodes secrets in RFC 4648 base32 and builds the otpauth URI apps scan', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw6ytboi======')?.toString()).toBe('foobar');
    expect(base32Decode('MZ1')).toBeNull();
    expect(base32Decode(base32Encode(SEED))).toEqual(SEED);
    const uri = new URL(totpUri('meshid.example.com', 'ada', 'GEZDGNBV'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('GEZDGNBV');
    expect(uri.searchParams.get('issuer')).toBe('meshid.example.com');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
