import { randomUUID } from 'node:crypto';
import { withOfflineApplication } from '../../cli/offline-application.js';
import { type ConfigFlags, load } from '../../cli/program.js';
import type { AdminApi } from '../api/admin-api.js';
import { AdminService } from '../application/admin-service.js';
import { cliPrincipal } from './cli-principal.js';

/** AdminApi in process on the data directory, acting as `cli:<os user>`; everything is closed after `work`. */
export function withOfflineAdminApi(flags: ConfigFlags, work: (api: AdminApi) => Promise<void>): Promise<void> {
  return withOfflineApplication(load(flags), (app) =>
    work(app.get(AdminService).forActor(cliPrincipal(), { correlationId: randomUUID() })),
  );
}
