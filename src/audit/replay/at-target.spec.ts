import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { defaultAtFileName, parseAtTarget } from './at-target.js';

describe('parseAtTarget', () => {
  it('reads a position', () => {
    expect(parseAtTarget('12/10')).toEqual({ kind: 'position', position: { commit: 12n, prepare: 10n }, text: '12/10' });
  });

  it('reads times with a zone, and a date as its start in UTC', () => {
    expect(parseAtTarget('2025-05-01T12:30:00.250+02:00')).toMatchObject({ kind: 'time', time: new Date('2025-05-01T10:30:00.250Z') });
    expect(parseAtTarget('2025-05-01T12:30Z')).toMatchObject({ kind: 'time', time: new Date('2025-05-01T12:30:00Z') });
    expect(parseAtTarget('2024-02-29')).toMatchObject({ kind: 'time', time: new Date('2024-02-29T00:00:00Z') });
  });

  it.each(['', 'now', '2025-05-01T12:00:00', '2025-02-30', '2025-13-01', '2025-05-01T24:00Z', '1/', '01/1', '99999999999999999999/1', '5/5/5'])(
    'refuses %p, naming both accepted forms',
    (value) => {
      expect(() => parseAtTarget(value)).toThrow(InvalidArgumentError);
      expect(() => parseAtTarget(value)).toThrow(/<commit>\/<prepare>.*ISO-8601 time with a zone/);
    },
  );

  it('names the default output file after the target, in safe characters', () => {
    expect(defaultAtFileName(parseAtTarget('12/10'))).toBe('meshid-at-12-10.db');
    expect(defaultAtFileName(parseAtTarget('2025-05-01T12:30:00+02:00'))).toBe('meshid-at-2025-05-01T12-30-00-02-00.db');
  });
});
