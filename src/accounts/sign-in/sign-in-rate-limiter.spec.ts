import { describe, expect, it } from '@jest/globals';
import { FAILURE_WINDOW_MS, FailureWindow } from './sign-in-rate-limiter.js';

describe('FailureWindow', () => {
  it('locks a key after `limit` failures until the oldest of them leaves the window', () => {
    const failures = new FailureWindow(3);
    for (let i = 0; i < 3; i++) failures.record('ada', i * 1000);
    expect(failures.retryAfterSeconds('ada', 2000)).toBe(FAILURE_WINDOW_MS / 1000 - 2);
    expect(failures.retryAfterSeconds('grace', 2000)).toBe(0);
    expect(failures.retryAfterSeconds('ada', FAILURE_WINDOW_MS)).toBe(0);
  });

  it('forgets a key on success', () => {
    const failures = new FailureWindow(1);
    failures.record('ada', 0);
    expect(failures.retryAfterSeconds('ada', 0)).toBe(FAILURE_WINDOW_MS / 1000);
    failures.clear('ada');
    expect(failures.retryAfterSeconds('ada', 0)).toBe(0);
  });
});
