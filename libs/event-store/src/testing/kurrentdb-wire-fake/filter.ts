import type { FakeRecord } from './fake-log.js';
import type { FilterOptionsMessage } from './protocol.js';

/** A decoded `ReadReq.Options.FilterOptions`: what to match, and how often to checkpoint. */
export interface FakeFilter {
  matches(record: FakeRecord): boolean;
  /** Send a checkpoint after this many scanned events (window x multiplier). */
  checkpointInterval: number;
}

/**
 * Prefixes win over a regex when both are sent (the client sends one or the other). The window
 * is the client's `maxSearchWindow` when given, else `defaultWindow` (the server's is 32).
 */
export function decodeFilter(options: FilterOptionsMessage, defaultWindow: number): FakeFilter {
  const byStream = options.hasStreamIdentifier();
  const expression = byStream ? options.getStreamIdentifier() : options.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = prefixes.length === 0 && expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const test = (value: string) =>
    expression === undefined || (regex ? regex.test(value) : prefixes.some((prefix) => value.startsWith(prefix)));
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : defaultWindow;
  return {
    matches: (record) => test(byStream ? record.stream : record.type),
    checkpointInterval: window * Math.max(1, options.getCheckpointintervalmultiplier()),
  };
}
