import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';

/** Composition root of the meta-server. */
@Module({ controllers: [HealthController] })
export class MetaServerModule {}
