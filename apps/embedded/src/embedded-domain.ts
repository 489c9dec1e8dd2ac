import { join, resolve } from 'node:path';
import { MemoryBroker, memoryLanes } from '@linker/bus';
import { LinkerError } from '@linker/kernel';
import { ResourceStack } from '@linker/lifecycle';
import { EmbeddedMailbox } from '@linker/mailbox';
import { createLogger, type Logger } from '@linker/observability';
import { MemoryPresence } from '@linker/presence';
import { formatProblems, readTopologyFile, StaticTopologySource, type Topology } from '@linker/topology';
import { connectorSettings, createConnector } from '../../connector/src/connector';
import { bootstrapMetaServer } from '../../meta-server/src/bootstrap';
import { createProcessor, processorSettings } from '../../processor/src/processor';
import type { EmbeddedOptions } from './flags';
import { startUiServer } from './ui-server';

/** The repository root, from both `apps/embedded/src` (tsx, tests) and `dist/apps/embedded/src` (built). */
const REPO = resolve(__dirname, __dirname.includes(`${join('dist', 'apps')}`) ? '../../../..' : '../../..');

export interface EmbeddedDomain {
  domain: string;
  /** Where each server listens (absent when turned off). */
  urls: { client: string; metaServer?: string; ui?: string };
  close(): Promise<void>;
}

/**
 * One whole domain in this process (ADR 0006): meta-server, connector, processor and the web UI, on one in-process
 * broker (both lanes), in-memory presence and the embedded durable mailbox. Nothing external is needed.
 * Servers start in dependency order and stop in reverse (the connector drains first); if one fails to start, the
 * ones already running are stopped.
 */
export async function startEmbeddedDomain(options: EmbeddedOptions, logger: Logger = createLogger('linker', options.logLevel)): Promise<EmbeddedDomain> {
  const { path, topology, warnings } = await readTopologyFile(options.topologyFile);
  if (warnings.length > 0) logger.warn('topology has warnings', { file: path, problems: formatProblems(warnings) });
  const domain = chooseDomain(topology, options.domain);
  const log = logger.child({ domain });
  const resources = new ResourceStack();
  const view = new StaticTopologySource(topology);
  const urls: EmbeddedDomain['urls'] = { client: '' };
  if (options.metaServer) {
    const meta = await resources.open(() =>
      bootstrapMetaServer({ port: options.metaPort, host: options.host, topologyFile: path, logLevel: options.logLevel }, { topology }),
    );
    urls.metaServer = meta.url;
  }
  const lanes = await resources.open(() => memoryLanes(new MemoryBroker()));
  const presence = await resources.open(() => new MemoryPresence());
  const mailbox = await resources.open(() => EmbeddedMailbox.open({ directory: resolve(options.dataDir ?? join('.linker-data', domain)), logger: log }));
  const processor = createProcessor({ config: processorSettings({ domain, name: 'processor-embedded' }), lanes, presence, mailbox, topology: () => view.current(), logger: log });
  await resources.open(async () => {
    await processor.start();
    return { close: () => processor.stop() };
  });
  const connector = createConnector({ config: connectorSettings({ domain, name: 'connector-embedded', wsHost: options.host, wsPort: options.wsPort }), lanes, presence, logger: log });
  await resources.open(async () => {
    await connector.start();
    return { close: () => connector.stop() };
  });
  urls.client = `ws://${options.host}:${connector.port}/ws`;
  if (options.ui) urls.ui = (await resources.open(() => startUiServer(join(REPO, 'ui'), options.host, options.uiPort))).url;
  return { domain, urls, close: () => resources.close() };
}

/** The domain to run: the one asked for (it must exist), else the topology's only domain. */
function chooseDomain(topology: Topology, asked: string | undefined): string {
  const names = topology.domains.map((d) => d.name);
  if (asked !== undefined) {
    if (!names.includes(asked)) throw new LinkerError('UNKNOWN_DOMAIN', `domain ${asked} is not in the topology (it has: ${names.join(', ') || 'none'})`);
    return asked;
  }
  if (names.length === 1) return names[0];
  throw new LinkerError('UNKNOWN_DOMAIN', `the topology has ${names.length} domains (${names.join(', ')}): choose one with --domain NAME`);
}
