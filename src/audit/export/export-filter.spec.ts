import { describe, expect, it } from '@jest/globals';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { parseExportQuery, type RawExportQuery } from './export-filter.js';

function refusal(query: RawExportQuery, name?: (field: string) => string): AdminApiError {
  try {
    parseExportQuery(query, name);
  } catch (error) {
    expect(error).toBeInstanceOf(AdminApiError);
    return error as AdminApiError;
  }
  throw new Error('expected the query to be refused');
}

describe('parseExportQuery', () => {
  it('defaults to NDJSON of everything', () => {
    expect(parseExportQuery({})).toEqual({ format: 'ndjson', filter: {} });
  });

  it('reads every filter', () => {
    const parsed = parseExportQuery({
      format: 'csv',
      from: '2025-01-31',
      to: '2025-02-01T12:30:00+02:00',
      after: '10/10',
      until: '20/20',
      type: ['GrantIssued,GrantRevoked', 'ClientRegistered'],
      category: 'client,grant',
      subject: 'ada@example.com',
      client: 'grafana',
      limit: '50',
    });
    expect(parsed).toEqual({
      format: 'csv',
      filter: {
        from: new Date('2025-01-31T00:00:00.000Z'),
        to: new Date('2025-02-01T10:30:00.000Z'),
        after: { commit: 10n, prepare: 10n },
        until: { commit: 20n, prepare: 20n },
        types: ['GrantIssued', 'GrantRevoked', 'ClientRegistered'],
        categories: ['client', 'grant'],
        subject: 'ada@example.com',
        client: 'grafana',
        limit: 50,
      },
    });
  });

  it('names every field at fault at once', () => {
    const error = refusal({ from: '2025-02-30', to: 'yesterday', after: '12', limit: '0', format: 'xml', type: ['A', 'B C'], colour: 'red' });
    expect(error.code).toBe('invalid_request');
    expect(error.fields.map((problem) => problem.field).sort()).toEqual(['after', 'colour', 'format', 'from', 'limit', 'to', 'type']);
    expect(error.description).toContain('from must be an ISO-8601 instant');
  });

  it('refuses a time without a zone, an empty or repeated single value, and empty list items', () => {
    expect(refusal({ from: '2025-01-31T12:00:00' }).fields).toEqual([{ field: 'from', message: expect.stringContaining('needs Z or an offset') }]);
    expect(refusal({ subject: '' }).fields).toEqual([{ field: 'subject', message: 'must not be empty' }]);
    expect(refusal({ limit: ['1', '2'] }).fields).toEqual([{ field: 'limit', message: 'may be given only once' }]);
    expect(refusal({ category: 'client,' }).fields[0]!.field).toBe('category');
    expect(refusal({ client: 'a\u0000b' }).fields[0]!.field).toBe('client');
  });

  it('refuses ranges that select nothing', () => {
    expect(refusal({ from: '2025-02-01', to: '2025-01-01' }).fields).toEqual([{ field: 'to', message: 'must be later than from' }]);
    expect(refusal({ after: '5/5', until: '5/5' }).fields).toEqual([{ field: 'until', message: 'must be a later position than after' }]);
  });

  it('names fields as the caller spells them (the CLI)', () => {
    expect(refusal({ limit: 'ten' }, (field) => `--${field}`).description).toBe('--limit must be a whole number from 1');
  });
});
