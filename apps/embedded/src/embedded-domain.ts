import { join, resolve } from 'node:path';
import { memoryLanes, openDurableBroker } from '@linker/bus';
import { intakeTopic, linkQueueTopic } from '@linker/contracts';
import { WsLinkTransport } from '@linker/domain-link';
import { LinkerError } from '@linker/kernel';
import { ResourceStack } from '@linker/lifecycle';
import { EmbeddedMailbox } from '@linker/mailbox';
import { createLogger, type Logger } from '@linker/observability';
import { MemoryPresence } from '@linker/presence';
import { formatProblems, MetaServerTopologySource, readTopologyFile, LocalTopologySource, type Topology, type TopologySource } from '@linker/topology';
import { connectorSettings, createConnector } from '../../connector/src/connector';
import { bootstrapMetaServer, startUiServer, uiInfo, type UiServer } from '../../meta-server/src/bootstrap';
import { createProcessor, portOf, processorMetrics, processorSettings, startOpsServer, type FederationDeps, type Processor } from '../../processor/src/processor';
import type { EmbeddedOptions } from './flags';
import type { EmbeddedErrorCode } from './errors';

export interface EmbeddedDomain {
  domain: string;
  /** Where each server listens (absent when turned off). */
  urls: { client: string; link?: string; metaServer?: string; ui?: string; metrics?: string };
  close(): Promise<void>;
}

/**
 * One whole domain in this process (ADR 0006): meta-server, connector, processor and the web UI, on one in-process
 * broker (both lanes), in-memory presence and the embedded durable mailbox. Nothing external is needed.
 * Servers start in dependency order and stop in reverse (the connector drains first); if one fails to start, the
 * ones already running are stopped.
 */
export async function startEmbeddedDomain(options: EmbeddedOptions, logger: Logger = createLogger('linker', options.logLevel)): Promise<EmbeddedDomain> {
  const resources = new ResourceStack();
  try {
    return await compose(options, logger, resources);
  } catch (error) {
    await resources.close();
    throw error;
  }
}

async function compose(options: EmbeddedOptions, logger: Logger, resources: ResourceStack): Promise<EmbeddedDomain> {
  const { source, file } = await topologySource(options, logger, resources);
  const domain = chooseDomain(source.current().topology, options.domain);
  const log = logger.child({ domain });
  const endpoints = source.current().endpoints(domain);
  const urls: EmbeddedDomain['urls'] = { client: '' };
  if (options.metaServer && source instanceof LocalTopologySource && file !== undefined) {
    const { metaPort: port, host, adminToken, logLevel } = options;
    const meta = await resources.open(() => bootstrapMetaServer({ port, host, topologyFile: file, adminToken, logLevel }));
    // Edits saved through this meta-server apply to this domain at once (SPEC §6), secrets included.
    meta.topology.subscribe((revision) => source.replace(revision.topology, revision.version));
    urls.metaServer = meta.url;
  }
  const dataDir = resolve(options.dataDir ?? join('.linker-data', domain));
  // Custody survives a crash: the intake and the link queues are kept on disk (ADR 0009); connector topics are not.
  const broker = await resources.open(() =>
    openDurableBroker({ directory: join(dataDir, 'bus'), persist: (topic) => topic === intakeTopic(domain) || topic.startsWith(linkQueueTopic(domain, '')), logger: log }),
  );
  const lanes = await resources.open(() => memoryLanes(broker));
  const presence = await resources.open(() => new MemoryPresence());
  const mailbox = await resources.open(() => EmbeddedMailbox.open({ directory: join(dataDir, 'mailbox'), logger: log }));
  const federation = linkOptions(options, endpoints.link, log);
  const processor = createProcessor({ config: processorSettings({ domain, name: 'processor-embedded' }), lanes, presence, mailbox, topology: () => source.current(), logger: log, federation });
  source.onChange((view, version) => processor.topologyChanged(view, version));
  await resources.open(async () => {
    await processor.start();
    return { close: () => processor.stop() };
  });
  if (options.metricsPort !== undefined) {
    const ops = await resources.open(() => startOpsServer(options.host, options.metricsPort as number, processorMetrics(() => processor.health()), () => processor.health()));
    urls.metrics = `${ops.url}/metrics`;
  }
  const wsPort = options.wsPort ?? portOf(endpoints.client) ?? 8089;
  const connector = createConnector({ config: connectorSettings({ ...options.clientPort, domain, name: 'connector-embedded', wsHost: options.host, wsPort }), lanes, presence, logger: log });
  source.onChange((view, version) => connector.topologyChanged(view, version));
  await resources.open(async () => {
    await connector.start();
    return { close: () => connector.stop() };
  });
  urls.client = `ws://${options.host}:${connector.port}/ws`;
  if (federation) urls.link = `ws://${options.host}:${options.linkPort ?? portOf(endpoints.link)}`;
  if (options.ui) urls.ui = (await resources.open(() => serveUi(options, domain, urls, source, processor, log))).url;
  return { domain, urls, close: () => resources.close() };
}

/**
 * The topology: followed from another domain's meta-server, or read from the file (which this process then serves,
 * and which its meta-server's edits replace).
 */
async function topologySource(options: EmbeddedOptions, logger: Logger, resources: ResourceStack): Promise<{ source: TopologySource; file?: string }> {
  if (options.followMetaServer) {
    const source = await resources.open(() =>
      MetaServerTopologySource.connect({ url: options.followMetaServer as string, refreshMs: 500, token: options.internalToken, logger }),
    );
    return { source };
  }
  const { path, topology, warnings } = await readTopologyFile(options.topologyFile);
  if (warnings.length > 0) logger.warn('topology has warnings', { file: path, problems: formatProblems(warnings) });
  return { source: new LocalTopologySource(topology, logger), file: path };
}

/** Links to the neighbours over WebSockets, when the domain has a link endpoint and a secret is configured. */
function linkOptions(options: EmbeddedOptions, endpoint: string | undefined, log: Logger): FederationDeps | undefined {
  if (endpoint === undefined) return undefined;
  const secret = options.linkSecret;
  if (secret === undefined) {
    log.warn('no LINKER_LINK_SECRET: links to the other domains are off (their users are unreachable from here)');
    return undefined;
  }
  return { transport: new WsLinkTransport(), secretFor: () => secret, listen: true, listenHost: options.host, listenPort: options.linkPort };
}

/** The domain to run: the one asked for (it must exist), else the topology's only domain. */
function chooseDomain(topology: Topology, asked: string | undefined): string {
  const names = topology.domains.map((d) => d.name);
  if (asked !== undefined) {
    if (!names.includes(asked)) throw new LinkerError<EmbeddedErrorCode>('UNKNOWN_DOMAIN', `domain ${asked} is not in the topology (it has: ${names.join(', ') || 'none'})`);
    return asked;
  }
  if (names.length === 1) return names[0];
  throw new LinkerError<EmbeddedErrorCode>('UNKNOWN_DOMAIN', `the topology has ${names.length} domains (${names.join(', ')}): choose one with --domain NAME`);
}

/**
 * The web UI (ADR 0011) for this domain: `/meta` leads to this process's meta-server (or the one it follows), and
 * the links come from the processor in this process.
 */
function serveUi(options: EmbeddedOptions, domain: string, urls: EmbeddedDomain['urls'], source: TopologySource, processor: Processor, logger: Logger): Promise<UiServer> {
  const metaServerUrl = urls.metaServer ?? options.followMetaServer;
  return startUiServer({
    host: options.host,
    port: options.uiPort,
    metaServerUrl,
    links: async () => {
      const health = processor.health();
      return [{ domain, processor: health.name, links: health.links ?? [] }];
    },
    info: () => uiInfo(source.current().topology, { domain, clientUrl: urls.client, metaServer: metaServerUrl !== undefined }),
    logger,
  });
}
