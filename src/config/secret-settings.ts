import type { MeshidConfig } from './meshid-config.js';

/**
 * Settings whose value is a secret: never printed, whether by `meshid config` or in a
 * configuration error (which names the setting and the expected form, not what was given).
 */
export const SECRET_SETTINGS: ReadonlySet<keyof MeshidConfig> = new Set<keyof MeshidConfig>(['metricsToken']);

/** Stands for a secret's value wherever the configuration is shown. */
export const HIDDEN_VALUE = '(hidden)';

/** What a setting's value looks like in an error or a listing: the value, or HIDDEN_VALUE for a secret. */
export function shownValue(key: keyof MeshidConfig, value: unknown): unknown {
  return SECRET_SETTINGS.has(key) && value !== undefined ? HIDDEN_VALUE : value;
}

/** The configuration as `meshid config` may print it: every secret replaced by HIDDEN_VALUE. */
export function printableConfig(config: MeshidConfig): MeshidConfig {
  const shown = { ...config } as Record<string, unknown>;
  for (const key of SECRET_SETTINGS) if (shown[key] !== undefined) shown[key] = HIDDEN_VALUE;
  return shown as unknown as MeshidConfig;
}
