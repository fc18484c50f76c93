import type { AdapterName } from './fixtures.js';

/** A figure the issue asks for, with its target when the issue sets one. */
export interface Target {
  /** `>=`: at least `value`; `<`: strictly under `value`. */
  op: '>=' | '<';
  value: number;
}

export interface Measurement {
  /** Stable key for machine-readable results: `single_appends_per_s`, `projection_lag_p99_ms`, ... */
  key: string;
  /** Human label for the table. */
  metric: string;
  adapter: AdapterName;
  value: number;
  unit: string;
  target?: Target;
  /** Counts and secondary figures behind the value (operations, seconds, events/s, ...). */
  details?: Record<string, number | string>;
  /** One line printed under the table: what the single figure hides (a slowdown, a spread). */
  note?: string;
}

export type Verdict = 'pass' | 'FAIL' | '-';

export function verdict(m: Measurement): Verdict {
  if (!m.target || !Number.isFinite(m.value)) return m.target ? 'FAIL' : '-';
  const ok = m.target.op === '>=' ? m.value >= m.target.value : m.value < m.target.value;
  return ok ? 'pass' : 'FAIL';
}
