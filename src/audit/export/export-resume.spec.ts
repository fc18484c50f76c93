import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminApiError } from '../../admin/api/admin-api.js';
import { resumePoint } from './export-resume.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content?: string) => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};
const record = (position: string, padding = '') => `${JSON.stringify({ position, type: 'T', data: { padding } })}\n`;

describe('resumePoint', () => {
  it('is the position of the last complete line', async () => {
    const path = file('whole.ndjson', record('1/1') + record('2/2'));
    expect(await resumePoint(path)).toEqual({ commit: 2n, prepare: 2n });
    expect(readFileSync(path, 'utf8')).toBe(record('1/1') + record('2/2'));
  });

  it('truncates a torn last line away, even past a block boundary', async () => {
    const long = record('3/3', 'y'.repeat(100_000));
    const path = file('torn.ndjson', record('1/1') + long + '{"position":"4/4","ty');
    expect(await resumePoint(path)).toEqual({ commit: 3n, prepare: 3n });
    expect(readFileSync(path, 'utf8')).toBe(record('1/1') + long);
  });

  it('starts from the beginning without a file, or without a complete line (emptying it)', async () => {
    expect(await resumePoint(file('missing.ndjson'))).toBeUndefined();
    const path = file('only-torn.ndjson', '{"posi');
    expect(await resumePoint(path)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('refuses a file whose last line is not an export record', async () => {
    await expect(resumePoint(file('csv.csv', 'position,created_at\n1/1,2025\n'))).rejects.toThrow(AdminApiError);
    await expect(resumePoint(file('bad-position.ndjson', '{"position":"x"}\n'))).rejects.toThrow(/not an NDJSON export record/);
  });
});
