import { describe, expect, it } from '@jest/globals';
import { sequencePosition } from '#event-store';
import { checkRange, type LoggedEntry, type Removal } from './range-check.js';

const at = (position: number, entry: string): LoggedEntry => ({ position: sequencePosition(BigInt(position)), stream: `s-${entry}`, revision: 0n, entry });
const sealed = ['a', 'b', 'c', 'd'];
const log = (...entries: string[]) => entries.map((entry, index) => at(index + 1, entry));
const nothingRemoved: Removal = async () => null;
const END = sequencePosition(4n);

async function first(logged: LoggedEntry[], removal: Removal = nothingRemoved) {
  const { bad } = await checkRange(sealed, logged, removal, END);
  return bad && { position: bad.position.commit, reason: bad.reason };
}

describe('checkRange', () => {
  it('accepts the sealed events in the sealed order', async () => {
    expect(await checkRange(sealed, log('a', 'b', 'c', 'd'), nothingRemoved, END)).toEqual({ bad: null, expired: 0, erased: 0 });
  });

  it('names an edited slot, an insertion, a deletion and a reordering at the first log event that differs', async () => {
    expect(await first(log('a', 'x', 'c', 'd'))).toEqual({ position: 2n, reason: 'edited' });
    expect(await first(log('a', 'b', 'x', 'c', 'd'))).toEqual({ position: 3n, reason: 'inserted' });
    expect(await first(log('a', 'c', 'd'))).toEqual({ position: 2n, reason: 'deleted' });
    expect(await first(log('a', 'c', 'b', 'd'))).toEqual({ position: 2n, reason: 'reordered' });
  });

  it("names the seal's end for a deletion at the end of the range, and the extra event for one past the seal", async () => {
    expect(await first(log('a', 'b', 'c'))).toEqual({ position: 4n, reason: 'deleted' });
    expect(await first(log('a', 'b', 'c', 'd', 'e'))).toEqual({ position: 5n, reason: 'inserted' });
  });

  it('accepts what retention or erasure removed, counting it, and nothing else', async () => {
    const removal: Removal = async (entry) => (entry === 'b' ? 'expired' : entry === 'd' ? 'erased' : null);
    expect(await checkRange(sealed, log('a', 'c'), removal, END)).toEqual({ bad: null, expired: 1, erased: 1 });
    expect(await first(log('c', 'd'), removal)).toEqual({ position: 1n, reason: 'deleted' });
  });
});
