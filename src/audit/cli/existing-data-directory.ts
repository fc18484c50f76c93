import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { PEPPER_FILE } from '../../config/data-directory.js';
import type { MeshidConfig } from '../../config/meshid-config.js';
import { EMBEDDED_DATABASE_FILE } from '../../storage/event-store.factory.js';

/**
 * The audit commands read evidence; they refuse a data directory that holds none rather than
 * create one: a fresh pepper and an empty store would export, replay and verify "nothing" and
 * call it a success.
 */
export function requireExistingDataDirectory(config: MeshidConfig): void {
  const expected = [PEPPER_FILE, ...(config.eventStore === 'sqlite' ? [EMBEDDED_DATABASE_FILE] : [])];
  const missing = expected.filter((file) => !existsSync(join(config.dataDir, file)));
  if (missing.length > 0) throw new ConfigError([`dataDir: ${config.dataDir} has no ${missing.join(' and no ')}: not a meshid data directory`]);
}
