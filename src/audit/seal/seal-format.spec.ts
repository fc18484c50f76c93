import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type RecordedEvent, sequencePosition } from '#event-store';
import { eventEntry, LOG_SEALED, readSeal, removableEntry, sealChain, TAG_LENGTH } from './seal-format.js';
import { sealKey, testHasher } from './testing/seal-fixtures.js';

const key = sealKey(testHasher());
const CREATED = Date.parse('2026-03-01T12:00:00.250Z');

const event = (changes: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '0190f1e2-0000-7000-8000-000000000001',
  stream: 'client-abc',
  revision: 2n,
  position: sequencePosition(7n),
  type: 'ClientUpdated',
  data: { name: 'Grafana', uris: ['https://g.example.com/cb'] },
  metadata: { actor: 'test', schemaVersion: 1 },
  createdAt: new Date(CREATED),
  ...changes,
});

describe('eventEntry', () => {
  it('is a 16-character base64url tag for an ordinary stream, stable across reads', () => {
    const entry = eventEntry(key, event());
    expect(entry).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(eventEntry(key, event())).toBe(entry);
  });

  it('changes with every recorded field but the position, and ignores milliseconds of the creation time', () => {
    const entry = eventEntry(key, event());
    const changed = [
      { stream: 'client-abd' },
      { revision: 3n },
      { id: '0190f1e2-0000-7000-8000-000000000002' },
      { type: 'ClientDeleted' },
      { data: { name: 'Grafana!', uris: ['https://g.example.com/cb'] } },
      { metadata: { actor: 'other', schemaVersion: 1 } },
      { createdAt: new Date(CREATED + 1000) },
    ].map((change) => eventEntry(key, event(change)));
    expect(new Set([entry, ...changed]).size).toBe(changed.length + 1);
    expect(eventEntry(key, event({ position: sequencePosition(99n), createdAt: new Date(CREATED + 700) }))).toBe(entry);
  });

  it("uses the pepper-derived key of SecretHasher.mac for the purpose 'log-seal'", () => {
    const hasher = testHasher();
    expect(createHmac('sha256', sealKey(hasher)).update('text').digest('base64url')).toBe(hasher.mac('log-seal', 'text'));
  });

  it('depends on the key', () => {
    expect(eventEntry(sealKey(testHasher()), event())).not.toBe(eventEntry(key, event()));
  });

  it('marks the streams retention and erasure may remove, with what is needed to accept their absence', () => {
    const seconds = Math.floor(CREATED / 1000);
    const code = eventEntry(key, event({ stream: 'authcode-xyz' }));
    const audit = eventEntry(key, event({ stream: 'audit-2026-03-01' }));
    const personal = eventEntry(key, event({ stream: 'personal-key-ref123-0' }));
    expect(code.slice(TAG_LENGTH)).toBe(`~a${seconds.toString(36)}`);
    expect(audit.slice(TAG_LENGTH)).toBe(`~u${seconds.toString(36)}`);
    expect(personal.slice(TAG_LENGTH)).toBe('~kref123-0');
    expect(removableEntry(code)).toEqual({ kind: 'authorization-code', createdAtMs: seconds * 1000 });
    expect(removableEntry(audit)).toEqual({ kind: 'audit-day', createdAtMs: seconds * 1000 });
    expect(removableEntry(personal)).toEqual({ kind: 'personal-key', keyId: 'ref123-0' });
    expect(removableEntry(eventEntry(key, event()))).toBeNull();
    expect(removableEntry(`${'A'.repeat(16)}~a!!`)).toBeNull();
  });
});

describe('sealChain and readSeal', () => {
  const body = { sequence: 1, after: '4/4', through: '9/9', count: 2, entries: ['A'.repeat(16), 'B'.repeat(16)] };

  it('chains every field and the previous chain', () => {
    const chain = sealChain(key, 'previous', body);
    const variants = [
      sealChain(key, 'other', body),
      sealChain(key, null, body),
      sealChain(key, 'previous', { ...body, sequence: 2 }),
      sealChain(key, 'previous', { ...body, after: '3/3' }),
      sealChain(key, 'previous', { ...body, through: '8/8' }),
      sealChain(key, 'previous', { ...body, entries: ['B'.repeat(16), 'A'.repeat(16)] }),
    ];
    expect(new Set([chain, ...variants]).size).toBe(variants.length + 1);
  });

  it('reads a well-formed seal and names what is wrong with another', () => {
    const data = { ...body, chain: 'c' };
    const sealEvent = (changes: Record<string, unknown>, type = LOG_SEALED) => event({ stream: 'log-seals', revision: 1n, type, data: { ...data, ...changes } });
    expect(readSeal(sealEvent({}))).toEqual(data);
    expect(readSeal(sealEvent({ sequence: 2 }))).toBe('sequence 2 is not its revision 1');
    expect(readSeal(sealEvent({ count: 3 }))).toBe('count 3 is not the number of entries (2)');
    expect(readSeal(sealEvent({ entries: [1] }))).toBe('entries is not a list of strings');
    expect(readSeal(sealEvent({ through: null }))).toBe('through is not a position');
    expect(readSeal(sealEvent({}, 'Other'))).toBe('event type Other is not LogSealed');
  });
});
