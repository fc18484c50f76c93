import { randomInt } from 'node:crypto';

/**
 * Crockford's base-32 alphabet without I, L, O and U: nothing in it can be misread for anything
 * else, and 8 characters give 32^8 ≈ 10^12 codes (40 bits), which, with code entry rate-limited
 * per address and every code living 5 minutes, cannot be guessed.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;

/** A new random code, 8 characters of CODE_ALPHABET (node:crypto's uniform randomInt). */
export function newApprovalCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** As people read it: XXXX-XXXX. */
export function formatApprovalCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A code as a person typed it, in canonical form, or null: case, spaces and dashes do not
 * matter, and the letters people confuse with digits (O, I, L) are read as those digits, as
 * Crockford's base 32 does.
 */
export function normaliseApprovalCode(input: string): string | null {
  if (input.length > 32) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== CODE_LENGTH) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}

/** The number the waiting browser shows: 10-99, so it is always two digits. */
export function newApprovalNumber(): number {
  return randomInt(10, 100);
}

/**
 * The three numbers the approver chooses from: the right one and two other two-digit numbers,
 * in random order, so picking without looking at the waiting browser fails two times in three.
 */
export function numberChoices(number: number): number[] {
  const choices = new Set([number]);
  while (choices.size < 3) choices.add(randomInt(10, 100));
  const list = [...choices];
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
