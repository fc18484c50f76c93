import { describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LogRow } from '../follow-log.js';
import { TurnCachedReads } from './turn-cached-reads.js';

describe('TurnCachedReads', () => {
  it('queries once per position, page size and version within a turn, and afresh in the next', async () => {
    const queries: string[] = [];
    const reads = new TurnCachedReads((after, limit): LogRow[] => {
      queries.push(`${after}/${limit}`);
      return [];
    });
    const first = reads.fetchAfter(5n, 500, 1);
    expect(reads.fetchAfter(5n, 500, 1)).toBe(first); // the other subscribers woken by the same append
    reads.fetchAfter(6n, 500, 1); // a subscriber elsewhere in the log
    reads.fetchAfter(5n, 10, 1);
    reads.fetchAfter(5n, 500, 2); // a local append in the same turn: never hidden
    expect(queries).toEqual(['5/500', '6/500', '5/10', '5/500']);
    await nextTurn();
    reads.fetchAfter(5n, 500, 2); // polling for other processes' appends
    expect(queries).toHaveLength(5);
  });
});
