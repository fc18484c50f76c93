import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { prepareDataDirectory } from '../config/data-directory.js';
import type { LoadedConfig } from '../config/load-config.js';
import { openStorage } from '../storage/open-storage.js';
import { ProjectionsService } from '../storage/projections.service.js';

/**
 * Runs `work` against the data directory without serving HTTP: the same modules, store and read
 * models as the server, so a CLI command goes through the same command handlers and the same
 * concurrency gates (a server running on the same store at the same time is safe). Read models
 * have caught up with the log before `work` starts; everything is closed after it.
 */
export async function withOfflineApplication<T>(loaded: LoadedConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const { config } = loaded;
  const { secrets } = prepareDataDirectory(config.dataDir);
  const storage = await openStorage(config);
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(AppModule.register(config, secrets, storage), {
      logger: ['error'],
      abortOnError: false,
    });
  } catch (error) {
    await storage.store.close();
    storage.readModels.close();
    throw error;
  }
  try {
    await app.get(ProjectionsService).caughtUp();
    return await work(app);
  } finally {
    await app.close();
  }
}
