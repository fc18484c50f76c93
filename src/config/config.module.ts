import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { ServerSecrets } from './data-directory.js';
import { MeshidConfig } from './meshid-config.js';

/** Injection token of the `ServerSecrets` loaded from the data directory. */
export const SERVER_SECRETS = Symbol('SERVER_SECRETS');

/** Makes the validated configuration (injected as `MeshidConfig`) and the secrets available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: MeshidConfig, secrets: ServerSecrets): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: MeshidConfig, useValue: config },
        { provide: SERVER_SECRETS, useValue: secrets },
      ],
      exports: [MeshidConfig, SERVER_SECRETS],
    };
  }
}
