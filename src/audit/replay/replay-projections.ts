import type { INestApplicationContext, Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Projection } from '#projections';
import { ProjectionsService } from '../../storage/projections.service.js';
import { ReadModelProjection } from '../../storage/storage.tokens.js';

/**
 * New instances of every projection the application runs, in registration order, for a replay.
 *
 * Why not the running instances (`ProjectionsService.projections()`): a projection may keep state
 * bound to the connection it first wrote through (log-summary caches a prepared statement of the
 * live read-model database), so handing a running instance a scratch database would write the
 * replay into the live read models. Each copy is built by Nest in its projection's own module, so
 * it gets the same dependencies (the application's in-memory indexes among them: see replayLog on
 * why replays run only in the throwaway offline CLI process).
 */
export async function freshProjections(app: INestApplicationContext): Promise<Projection[]> {
  const running = app.get(ProjectionsService).projections();
  const wrappers = app.get(DiscoveryService).getProviders({ metadataKey: ReadModelProjection.KEY });
  const copies: Projection[] = [];
  for (const instance of running) {
    const wrapper = wrappers.find((candidate) => candidate.instance === instance);
    const moduleRef = wrapper?.host?.getProviderByKey<ModuleRef>(ModuleRef)?.instance;
    if (wrapper === undefined || moduleRef === undefined || typeof wrapper.metatype !== 'function') {
      throw new Error(`cannot build a separate instance of projection "${instance.name}" for the replay`);
    }
    const copy = await moduleRef.create(wrapper.metatype as Type<Projection>);
    if (copy.name !== instance.name) throw new Error(`projection "${instance.name}" rebuilt as "${copy.name}": its name must not depend on state`);
    copies.push(copy);
  }
  return copies;
}
