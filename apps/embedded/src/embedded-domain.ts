import { join, resolve } from 'node:path';
import { MemoryAnalyticsStore, readReport } from '@linker/analytics';
import { memoryLanes, openDurableBroker } from '@linker/bus';
import { intakeTopic, linkQueueTopic, webhookParkedTopic, webhookRetryTopic, webhookTopic } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { ResourceStack, started, startupSettings, tlsFilesOf } from '@linker/lifecycle';
import { EmbeddedMailbox } from '@linker/mailbox';
import { createLogger, Metrics, type Logger } from '@linker/observability';
import { MemoryChannelHistory, MemoryPresence } from '@linker/presence';
import { LocalTopologySource, openTopologySource, type Topology, type TopologySource } from '@linker/topology';
import { connectorSettings, openConnector } from '../../connector/src';
import { httpBaseOf, localProcessor, openMetaServer, startUiServer, uiInfo, type UiServer } from '../../meta-server/src';
import { metaServerSink, openProcessor, portOf, processorSettings, type ProcessorService } from '../../processor/src';
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
export async function openEmbeddedDomain(
  options: EmbeddedOptions,
  logger: Logger = createLogger('linker', options.logLevel, undefined, options.logFormat),
): Promise<EmbeddedDomain> {
  const resources = new ResourceStack();
  try {
    return await compose(options, logger, resources);
  } catch (error) {
    await resources.close();
    throw error;
  }
}

async function compose(options: EmbeddedOptions, logger: Logger, resources: ResourceStack): Promise<EmbeddedDomain> {
  const source = await resources.open(() => topologySource(options, logger));
  const domain = chooseDomain(source.current().topology, options.domain);
  const log = logger.child({ domain });
  const endpoints = source.current().endpoints(domain);
  const { host } = options;
  const urls: EmbeddedDomain['urls'] = { client: '' };
  // One registry for the whole domain: every app's metrics on one `GET /metrics`.
  const metrics = new Metrics({ domain });
  const slices = connectorSettings(options.clientPort);
  const analytics = new MemoryAnalyticsStore({ sliceSeconds: slices.analyticsSliceS, retentionHours: slices.analyticsRetentionH });
  if (options.metaServer && source instanceof LocalTopologySource) {
    const { metaPort: port, topologyFile, adminToken, logLevel, logFormat } = options;
    // The client port's certificate serves the meta-server too.
    const { tlsCertFile, tlsKeyFile, tlsClientCaFile } = options.clientPort ?? {};
    const tls = { tlsCertFile, tlsKeyFile, tlsClientCaFile };
    const meta = await resources.open(() => openMetaServer({ port, host, topologyFile, adminToken, logLevel, logFormat, ...tls, metrics }));
    // Edits saved through this meta-server apply to this domain at once (docs/protocol.md, Hot reload), secrets included.
    meta.topology.subscribe((revision) => source.replace(revision.topology, revision.version));
    // Its analytics read this domain's in-memory store at each request: nothing to report.
    meta.analytics.readLocally(domain, (app, from, to) => readReport(analytics, domain, app, from, to));
    urls.metaServer = meta.url;
  }
  const dataDir = resolve(options.dataDir ?? join('.linker-data', domain));
  // Custody survives a crash: the intake, the link queues and the webhook queues are kept on disk (ADR 0009, 0019);
  // connector topics are not.
  const durable = new Set([intakeTopic(domain), webhookTopic(domain), webhookRetryTopic(domain), webhookParkedTopic(domain)]);
  const broker = await resources.open(() =>
    openDurableBroker({
      directory: join(dataDir, 'bus'),
      persist: (topic) => durable.has(topic) || topic.startsWith(linkQueueTopic(domain, '')),
      logger: log,
    }),
  );
  const lanes = await resources.open(() => memoryLanes(broker));
  const presence = await resources.open(() => new MemoryPresence());
  const history = await resources.open(() => new MemoryChannelHistory());
  const mailbox = await resources.open(() => EmbeddedMailbox.open({ directory: join(dataDir, 'mailbox'), logger: log }));
  const links = {
    ...(options.linkTls ?? { linksAllowCleartext: true }),
    linkSecret: options.linkSecret,
    linkListen: endpoints.link !== undefined,
    linkHost: host,
    linkPort: options.linkPort,
  };
  const ops = { metricsHost: host, metricsPort: options.metricsPort, adminToken: options.adminToken };
  const settings = processorSettings({ ...options.webhooks, domain, name: 'processor-embedded', ...links, ...ops });
  const processor = openProcessor(settings, {
    lanes,
    presence,
    mailbox,
    history,
    topology: source,
    logger: log,
    analytics,
    reportAnalytics: reportSink(options, urls),
    metrics,
  });
  await resources.open(() => started(processor));
  urls.metrics = processor.metricsUrl;
  const wsPort = options.wsPort ?? portOf(endpoints.client) ?? 8089;
  const connector = openConnector(connectorSettings({ ...options.clientPort, domain, name: 'connector-embedded', wsHost: host, wsPort }), {
    lanes,
    presence,
    history,
    logger: log,
    topology: source,
    analytics,
    metrics,
  });
  await resources.open(() => started(connector));
  urls.client = `${connector.scheme}://${host}:${connector.port}/ws`;
  if (options.linkSecret !== undefined && links.linkListen) {
    const scheme = options.linkTls?.linkTlsCertFile === undefined ? 'ws' : 'wss';
    urls.link = `${scheme}://${host}:${options.linkPort ?? portOf(endpoints.link)}`;
  }
  if (options.ui) urls.ui = (await resources.open(() => serveUi(options, domain, urls, source, processor, log))).url;
  return { domain, urls, close: () => resources.close() };
}

/** A domain that follows another's meta-server (with the internal token) reports its analytics there. */
function reportSink(options: EmbeddedOptions, urls: EmbeddedDomain['urls']) {
  const { followMetaServer, internalToken } = options;
  if (urls.metaServer !== undefined || followMetaServer === undefined || internalToken === undefined) return undefined;
  return metaServerSink(followMetaServer, internalToken);
}

/**
 * The topology: followed from another domain's meta-server, or read from the file (which this process then serves,
 * and which its meta-server's edits replace).
 */
function topologySource(options: EmbeddedOptions, logger: Logger): Promise<TopologySource> {
  const { followMetaServer: metaServerUrl, topologyFile, internalToken: token } = options;
  const startupTimeoutMs = startupSettings.startupTimeoutMs.default;
  return openTopologySource({
    metaServerUrl,
    topologyFile,
    token,
    topologyCacheFile: false,
    domain: options.domain ?? 'embedded',
    name: 'embedded',
    startupTimeoutMs,
    logger,
  });
}

/** The domain to run: the one asked for (it must exist), else the topology's only domain. */
function chooseDomain(topology: Topology, asked: string | undefined): string {
  const names = topology.domains.map((d) => d.name);
  if (asked !== undefined) {
    if (!names.includes(asked))
      throw new LinkerError<EmbeddedErrorCode>(
        'UNKNOWN_DOMAIN',
        `domain ${asked} is not in the topology (it has: ${names.join(', ') || 'none'})`,
      );
    return asked;
  }
  if (names.length === 1) return names[0];
  throw new LinkerError<EmbeddedErrorCode>(
    'UNKNOWN_DOMAIN',
    `the topology has ${names.length} domains (${names.join(', ')}): choose one with --domain NAME`,
  );
}

/**
 * The web UI (ADR 0011) for this domain: `/meta` leads to this process's meta-server (or the one it follows), and
 * the links come from the processor in this process.
 */
function serveUi(
  options: EmbeddedOptions,
  domain: string,
  urls: EmbeddedDomain['urls'],
  source: TopologySource,
  processor: ProcessorService,
  logger: Logger,
): Promise<UiServer> {
  const metaServerUrl = urls.metaServer ?? options.followMetaServer;
  return startUiServer({
    host: options.host,
    port: options.uiPort,
    metaServerUrl,
    links: async () => {
      const health = processor.health();
      return [{ domain, processor: health.name, links: health.links ?? [] }];
    },
    ops: { processors: () => [localProcessor(processor)], connectorUrls: () => [httpBaseOf(urls.client)] },
    info: () => uiInfo(source.current().topology, { domain, clientUrl: urls.client, metaServer: metaServerUrl !== undefined }),
    logger,
    tls: tlsFilesOf(options.clientPort ?? {}),
  });
}
