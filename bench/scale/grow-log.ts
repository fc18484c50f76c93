import { performance } from 'node:perf_hooks';
import { EVENT_STORE, type EventStore, formatPosition } from '#event-store';
import { withOfflineApplication } from '../../src/cli/offline-application.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ProjectionsService } from '../../src/storage/projections.service.js';
import { generateLog } from '../audit/generate-log.js';

export interface Growth {
  events: number;
  seconds: number;
  /** The log's last position afterwards (on SQLite its first half counts every event ever appended). */
  head: string;
}

/**
 * Appends `events` sign-in shaped events (bench/audit/generate-log.ts) to the data directory's
 * store through the application's EVENT_STORE, as the server would write them.
 * - `projections: 'following'`: the read models follow and have caught up when this resolves, so
 *   every checkpoint is at the head of the log.
 * - `projections: 'stopped'`: the read models are stopped first, so the next start finds its
 *   checkpoints exactly `events` (plus the sealer's few) behind the head.
 */
export async function growLog(dataDir: string, events: number, projections: 'following' | 'stopped'): Promise<Growth> {
  const loaded = loadConfig({ env: { MESHID_LOG_LEVEL: 'error' }, cwd: dataDir, overrides: { dataDir } });
  return withOfflineApplication(loaded, async (app) => {
    const readModels = app.get(ProjectionsService);
    if (projections === 'stopped') await readModels.stop();
    const started = performance.now();
    const generated = await generateLog(app.get<EventStore>(EVENT_STORE), events, []);
    if (projections === 'following') await readModels.caughtUp(30 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    let head = '';
    for await (const last of app.get<EventStore>(EVENT_STORE).readAll({ direction: 'backwards', maxCount: 1 })) head = formatPosition(last.position);
    return { events: generated.appended, seconds, head };
  });
}
