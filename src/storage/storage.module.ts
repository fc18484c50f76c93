import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_STORE } from '#event-store';
import type { OpenStorage } from './open-storage.js';
import { ProjectionsService } from './projections.service.js';
import { StorageLifecycle } from './storage-lifecycle.js';
import { RAW_EVENT_STORE, READ_MODEL_DATABASE } from './storage.tokens.js';

/** The open event store and read-model database, and the projections that run over them. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(storage: OpenStorage): DynamicModule {
    return {
      module: StorageModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: EVENT_STORE, useValue: storage.store },
        { provide: RAW_EVENT_STORE, useValue: storage.store },
        { provide: READ_MODEL_DATABASE, useValue: storage.readModels },
        ProjectionsService,
        StorageLifecycle,
      ],
      exports: [EVENT_STORE, RAW_EVENT_STORE, READ_MODEL_DATABASE, ProjectionsService],
    };
  }
}
