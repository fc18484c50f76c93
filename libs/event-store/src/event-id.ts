import { randomFillSync } from 'node:crypto';

const bytes = new Uint8Array(16);
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new event id: a UUID version 7 (RFC 9562), 48 bits of Unix milliseconds then 74 random bits.
 * Unique and unpredictable like a v4 (never derived from content, so a second redemption can never
 * pass for a duplicate of the first), and time-ordered, so the log's id index grows at its end
 * instead of writing a random page on every append.
 */
export function newEventId(now: number = Date.now()): string {
  randomFillSync(bytes);
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += hex[bytes[i]!];
  }
  return text;
}
