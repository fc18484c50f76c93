import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module.js';
import { DiscoveryController } from './discovery.controller.js';

/** OpenID Provider metadata (OIDC Discovery 1.0) and its RFC 8414 twin. */
@Module({ imports: [PolicyModule], controllers: [DiscoveryController] })
export class DiscoveryModule {}
