import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { CODE_ALPHABET, formatApprovalCode, newApprovalCode, newApprovalNumber, normaliseApprovalCode, numberChoices } from './approval-code.js';
import { APPROVAL_DENIED, APPROVAL_GRANTED, APPROVAL_REDEEMED, APPROVAL_REQUESTED } from './approval.events.js';
import { approvalEvolver, approvalStatus } from './approval.evolver.js';
import { browserSummary } from './browser-summary.js';

const event = (type: string, data: Record<string, unknown>, revision = 0n) => ({ type, data, revision }) as unknown as RecordedEvent;
const requested = { browserSecretDigest: 'd', number: 42, clientId: 'c', clientName: 'Grafana', browser: 'Firefox 128 on Linux', ip: '203.0.113.9', requestedAt: 1000, expiresAt: 301_000 };

describe('approval codes', () => {
  it('are 8 characters of the unambiguous alphabet, shown as XXXX-XXXX', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newApprovalCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
    expect(CODE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(formatApprovalCode('ABCD2345')).toBe('ABCD-2345');
  });

  it('read what people type: case, spaces and dashes ignored, O/I/L read as 0/1/1; anything else refused', () => {
    expect(normaliseApprovalCode(' abcd-2345 ')).toBe('ABCD2345');
    expect(normaliseApprovalCode('oiLx 2345')).toBe('011X2345');
    expect(normaliseApprovalCode('ABCD-234')).toBeNull();
    expect(normaliseApprovalCode('ABCD-2345U')).toBeNull();
    expect(normaliseApprovalCode('ABCU2345')).toBeNull();
    expect(normaliseApprovalCode('ABCD_2345')).toBeNull();
    expect(normaliseApprovalCode('A'.repeat(33))).toBeNull();
  });

  it('offer the right number among three distinct two-digit numbers', () => {
    for (let i = 0; i < 100; i++) {
      const number = newApprovalNumber();
      expect(number).toBeGreaterThanOrEqual(10);
      expect(number).toBeLessThanOrEqual(99);
      const choices = numberChoices(number);
      expect(choices).toHaveLength(3);
      expect(new Set(choices).size).toBe(3);
      expect(choices).toContain(number);
      for (const choice of choices) expect(choice >= 10 && choice <= 99).toBe(true);
    }
  });
});

describe('approval state', () => {
  const fold = (...events: RecordedEvent[]) => events.reduce(approvalEvolver.evolve, approvalEvolver.initial);

  it('goes pending, granted, redeemed; and expires 5 minutes after the request unless redeemed', () => {
    expect(approvalStatus(fold(), 0)).toBe('unknown');
    const pending = fold(event(APPROVAL_REQUESTED, requested));
    expect(approvalStatus(pending, 300_999)).toBe('pending');
    expect(approvalStatus(pending, 301_000)).toBe('expired');
    const granted = fold(event(APPROVAL_REQUESTED, requested), event(APPROVAL_GRANTED, { subject: 's', identity: {}, approvedAt: 2000 }));
    expect(approvalStatus(granted, 2000)).toBe('granted');
    expect(approvalStatus(granted, 301_000)).toBe('expired');
    const redeemed = fold(event(APPROVAL_REQUESTED, requested), event(APPROVAL_GRANTED, { subject: 's', identity: {}, approvedAt: 2000 }), event(APPROVAL_REDEEMED, { at: 3000 }));
    expect(approvalStatus(redeemed, 999_999)).toBe('redeemed');
  });

  it('keeps the first decision only', () => {
    const denied = fold(event(APPROVAL_REQUESTED, requested), event(APPROVAL_DENIED, { reason: 'wrong_number', subject: 's', deniedAt: 2 }), event(APPROVAL_GRANTED, { subject: 's', identity: {}, approvedAt: 3 }));
    expect(approvalStatus(denied, 2000)).toBe('denied');
    expect(denied.granted).toBeNull();
    expect(denied.denied?.reason).toBe('wrong_number');
  });
});

describe('browser summary', () => {
  it('names the browser, its major version and the system', () => {
    expect(browserSummary('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox 128 on Linux');
    expect(browserSummary('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86')).toBe('Edge 131 on Windows');
    expect(browserSummary('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe('Safari 17 on iOS');
    expect(browserSummary('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36')).toBe('Chrome 131 on Linux');
    expect(browserSummary('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36')).toBe('Chrome 131 on Android');
  });

  it('falls back to the start of an unknown header, printable characters only', () => {
    expect(browserSummary(undefined)).toBe('an unknown browser');
    expect(browserSummary('curl/8.5.0')).toBe('curl/8.5.0');
    expect(browserSummary(`x\u0000<b>${'y'.repeat(100)}`)).toBe(`x<b>${'y'.repeat(56)}`);
  });
});
