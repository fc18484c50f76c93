import { isIP } from 'node:net';

/**
 * Whether a TCP peer address is loopback: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6
 * (a dual-stack socket reports `::ffff:127.0.0.1`). Only ever called with the socket's address.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family !== 6) return false;
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && mapped[1]!.startsWith('127.');
}
