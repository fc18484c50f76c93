import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { csvField, RECORD_WRITERS, recordCsv, recordJson } from './export-records.js';

const event = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '0190f0e0-0000-7000-8000-000000000001',
  stream: 'client-grafana',
  revision: 3n,
  position: { commit: 42n, prepare: 41n },
  type: 'ClientUpdated',
  data: { clientId: 'grafana', name: 'Grafana "ops", west\nwing' },
  metadata: { actor: 'person:ada@example.com', correlationId: 'c-1' },
  createdAt: new Date('2025-03-04T05:06:07.089Z'),
  ...overrides,
});

describe('export records', () => {
  it('carry position, created_at, stream, revision (a number), type, id, data and metadata', () => {
    expect(JSON.parse(recordJson(event()))).toEqual({
      position: '42/41',
      created_at: '2025-03-04T05:06:07.089Z',
      stream: 'client-grafana',
      revision: 3,
      type: 'ClientUpdated',
      id: '0190f0e0-0000-7000-8000-000000000001',
      data: { clientId: 'grafana', name: 'Grafana "ops", west\nwing' },
      metadata: { actor: 'person:ada@example.com', correlationId: 'c-1' },
    });
  });

  it('quote CSV fields as RFC 4180 does', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('');
  });

  it('neutralise cells a spreadsheet would run as formulas', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    for (const start of ['+', '-', '@', '\t', '\r']) expect(csvField(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('a=b')).toBe('a=b');
  });

  it('write one CSV line per event, actor in its own column, JSON text quoted', () => {
    const line = recordCsv(event({ metadata: { actor: '=cmd' } }));
    expect(line).toBe(
      '42/41,2025-03-04T05:06:07.089Z,client-grafana,3,ClientUpdated,0190f0e0-0000-7000-8000-000000000001,\'=cmd,' +
        '"{""clientId"":""grafana"",""name"":""Grafana \\""ops\\"", west\\nwing""}","{""actor"":""=cmd""}"\r\n',
    );
    expect(recordCsv(event({ metadata: {} }))).toContain(',ClientUpdated,0190f0e0-0000-7000-8000-000000000001,,');
  });

  it('frame JSON as one array, empty or not', () => {
    const json = RECORD_WRITERS.json;
    expect(JSON.parse(json.head + json.tail(true))).toEqual([]);
    const text = json.head + json.record(event(), true) + json.record(event({ revision: 4n }), false) + json.tail(false);
    expect((JSON.parse(text) as Array<{ revision: number }>).map((record) => record.revision)).toEqual([3, 4]);
  });
});
