import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { EventStoreMetrics } from '../metrics/event-store-metrics.js';
import { TimedEventStore } from '../metrics/timed-event-store.js';
import type { OpenStorage } from './open-storage.js';
import { PersonalDataErasuresProjection } from './personal-data/personal-data-erasures.projection.js';
import { PersonalDataKeys } from './personal-data/personal-data-keys.js';
import { PersonalDataStore } from './personal-data/personal-data-store.js';
import { ProjectionsService } from './projections.service.js';
import { StorageHealth } from './storage-health.js';
import { StorageLifecycle } from './storage-lifecycle.js';
import { RAW_EVENT_STORE, READ_MODEL_DATABASE } from './storage.tokens.js';

/**
 * The open event store and read-model database, and the projections that run over them. The
 * store modules use (EVENT_STORE) seals personal data on its way into the log (PersonalDataStore).
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(storage: OpenStorage): DynamicModule {
    return {
      module: StorageModule,
      imports: [DiscoveryModule],
      providers: [
        // Timed (meshid_event_store_operation_duration_seconds) at this one place, under everything.
        { provide: RAW_EVENT_STORE, useFactory: (metrics: EventStoreMetrics) => new TimedEventStore(storage.store, metrics), inject: [EventStoreMetrics] },
        PersonalDataKeys,
        {
          provide: EVENT_STORE,
          useFactory: (raw: EventStore, keys: PersonalDataKeys) => new PersonalDataStore(raw, keys),
          inject: [RAW_EVENT_STORE, PersonalDataKeys],
        },
        PersonalDataErasuresProjection,
        { provide: READ_MODEL_DATABASE, useValue: storage.readModels },
        ProjectionsService,
        StorageHealth,
        StorageLifecycle,
      ],
      exports: [EVENT_STORE, RAW_EVENT_STORE, READ_MODEL_DATABASE, ProjectionsService, PersonalDataKeys, StorageHealth],
    };
  }
}
