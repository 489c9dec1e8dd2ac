import { Controller, Get } from '@nestjs/common';
import type { Domain, DomainLink } from '@linker/topology';
import { TopologyStore } from '../topology/topology-store';
import { domainsShape, linksShape, type GraphShape } from './original-shapes';

@Controller('domains')
export class DomainsController {
  constructor(private readonly store: TopologyStore) {}

  /** The original's `GET /domains`. */
  @Get()
  domains(): Domain[] {
    return domainsShape(this.store.current().masked);
  }

  /** The original's `GET /domains/links`. */
  @Get('links')
  links(): DomainLink[] {
    return linksShape(this.store.current().masked);
  }

  /** The original's `GET /domains/graph`: domains and links of one version together. */
  @Get('graph')
  graph(): GraphShape {
    const { masked } = this.store.current();
    return { domains: domainsShape(masked), links: linksShape(masked) };
  }
}
