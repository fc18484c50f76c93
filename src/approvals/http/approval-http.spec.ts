import { describe, expect, it } from '@jest/globals';
import { FixedClock } from '../../common/clock.js';
import { AddressLimiter } from './address-limiter.js';
import { readApprovalCookie } from './approval-cookie.js';

describe('address limiter', () => {
  it('allows the budget per address and window, then says how long to wait', () => {
    const clock = new FixedClock(0);
    const limiter = new AddressLimiter({ attempts: 3, windowMs: 60_000, maxAddresses: 2 }, () => clock.now());
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('100.64.0.1')).toBe(0);
      limiter.spend('100.64.0.1');
    }
    clock.advance(15_000);
    expect(limiter.retryAfter('100.64.0.1')).toBe(45);
    expect(limiter.retryAfter('100.64.0.2')).toBe(0);
    clock.advance(45_000);
    expect(limiter.retryAfter('100.64.0.1')).toBe(0);
  });

  it('forgets the oldest address when full', () => {
    const limiter = new AddressLimiter({ attempts: 1, windowMs: 60_000, maxAddresses: 2 }, () => 0);
    for (const address of ['a', 'b', 'c']) limiter.spend(address);
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('b')).toBe(60);
    expect(limiter.retryAfter('c')).toBe(60);
  });
});

describe('approval cookie', () => {
  const secret = 'A'.repeat(43);
  it('reads the first well-formed value and ignores anything else', () => {
    expect(readApprovalCookie({ headers: { cookie: `x=1; meshid_approval=ABCD2345.${secret}` } })).toEqual({ code: 'ABCD2345', secret });
    expect(readApprovalCookie({ headers: { cookie: `meshid_approval=abcd2345.${secret}` } })).toBeNull();
    expect(readApprovalCookie({ headers: { cookie: `meshid_approval=ABCU2345.${secret}` } })).toBeNull();
    expect(readApprovalCookie({ headers: { cookie: `meshid_approval=ABCD2345.${secret}x` } })).toBeNull();
    expect(readApprovalCookie({ headers: {} })).toBeNull();
  });
});
