import { Global, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_STORE } from '#event-store';
import { defaultMigrationsDir, openReadModelDatabase } from '#projections';
import { MeshidConfig } from '../config/meshid-config.js';
import { createEventStore, readModelDatabasePath } from './event-store.factory.js';
import { ProjectionsService } from './projections.service.js';
import { StorageLifecycle } from './storage-lifecycle.js';
import { READ_MODEL_DATABASE } from './storage.tokens.js';

/** The event store the configuration names, the read-model database, and the projections over them. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: EVENT_STORE, inject: [MeshidConfig], useFactory: createEventStore },
    {
      provide: READ_MODEL_DATABASE,
      inject: [MeshidConfig],
      useFactory: (config: MeshidConfig) => {
        const database = openReadModelDatabase(readModelDatabasePath(config), { migrationsDir: defaultMigrationsDir() });
        for (const migration of database.migrationsApplied) new Logger('Migrations').log(`applied ${migration.name}`);
        return database;
      },
    },
    ProjectionsService,
    StorageLifecycle,
  ],
  exports: [EVENT_STORE, READ_MODEL_DATABASE, ProjectionsService],
})
export class StorageModule {}
