import type { Topology } from '@linker/topology';

/**
 * A running domain that end-to-end tests talk to over real sockets, whatever its mode:
 * embedded (one process: `dist/apps/embedded/src/main.js`) or real (separate meta-server, connector and processor
 * processes on the real services). Suites take one of these and never care which it is.
 */
export interface DomainUnderTest {
  readonly mode: 'embedded' | 'real';
  /** The domain's name (unique per test file in real mode, so topics, keys and databases do not collide). */
  readonly domain: string;
  /** `ws://…/ws` of each connector: one in embedded mode, two in real mode. */
  readonly connectorUrls: readonly string[];
  readonly metaServerUrl: string;
  /** Stop everything it started and remove its temporary files. */
  close(): Promise<void>;
}

/** What a test asks of a domain: its topology (the harness writes it to a temporary file). */
export interface DomainOptions {
  topology: Topology;
  /** The domain to run; must be one of the topology's. */
  domain: string;
  /** Environment of every process of the domain (settings such as `LINKER_MAX_CHANNELS_PER_SOCKET`). */
  env?: Record<string, string>;
  /** The meta-server's admin token (`LINKER_ADMIN_TOKEN`): topology edits; none: edits are refused. */
  adminToken?: string;
}
