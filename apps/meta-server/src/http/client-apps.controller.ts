import { Controller, Get } from '@nestjs/common';
import { TopologyStore } from '../topology/topology-store';
import { clientAppsShape, type ClientAppShape } from './original-shapes';

@Controller('clientApps')
export class ClientAppsController {
  constructor(private readonly store: TopologyStore) {}

  /** The original's `GET /clientApps`, secrets masked. */
  @Get()
  clientApps(): ClientAppShape[] {
    return clientAppsShape(this.store.current().masked);
  }
}
