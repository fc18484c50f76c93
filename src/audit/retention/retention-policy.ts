import type { MeshidConfig } from '../../config/meshid-config.js';

const DAY_SECONDS = 86_400;

/** The categories retention applies to, each with the setting that says how long they are kept. */
export const RETAINED_CATEGORIES = [
  { category: 'authcode', prefix: 'authcode-', days: (config: MeshidConfig) => config.retentionAuthorizationCodeDays },
  { category: 'audit', prefix: 'audit-', days: (config: MeshidConfig) => config.retentionAuditDays },
] as const;

export type RetainedCategory = (typeof RETAINED_CATEGORIES)[number]['category'];

/** The stream-name prefixes of the retained categories: the reactor's filter on `$all`. */
export const RETAINED_STREAM_PREFIXES: readonly string[] = RETAINED_CATEGORIES.map((c) => c.prefix);

/**
 * How long `stream` is kept, in seconds, and its category; `undefined` for every stream outside
 * the retained categories, which retention must never touch.
 */
export function retentionFor(stream: string, config: MeshidConfig): { category: RetainedCategory; maxAgeSeconds: number } | undefined {
  const retained = RETAINED_CATEGORIES.find((c) => stream.startsWith(c.prefix));
  return retained && { category: retained.category, maxAgeSeconds: retained.days(config) * DAY_SECONDS };
}
