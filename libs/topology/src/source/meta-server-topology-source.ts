import { errorMessage, LinkerError } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import { dropMaskedSecrets, maskSecrets } from '../mask-secrets';
import { formatProblems, type TopologyErrorCode } from '../problems';
import type { Topology } from '../topology';
import { TopologyView } from '../topology-view';
import { canonicalJson, topologyVersion } from '../version';
import { readTopologyCache, writeTopologyCache } from './topology-cache';
import { fetchTopology, internalTopologyUrl, topologyUrl, watchUrl, type FetchOutcome } from './topology-fetch';
import { TopologyListeners } from './topology-listeners';
import type { TopologyListener, TopologySource } from './topology-source';
import { TopologyWatch, type WatchedVersion } from './topology-watch';

/** While the watch stream is up, a conditional GET this often still catches an event that was missed. */
const POLL_WHILE_WATCHING_MS = 30_000;

export interface MetaServerSourceOptions {
  /** The meta-server's base URL, e.g. `http://127.0.0.1:9000`. */
  url: string;
  /** Where the last good copy is kept; read at start when the meta-server cannot be reached. */
  cacheFile?: string;
  /**
   * How often to ask for a new version (a conditional GET: a 304 costs almost nothing) while the watch stream
   * (`GET /topology/watch`) is down, and how long to wait before connecting it again. While it is up, new versions
   * are fetched as soon as it announces them.
   */
  refreshMs: number;
  logger?: Logger;
  /** Longest one request may take (default: the smaller of 5 s and 4 × refreshMs). */
  requestTimeoutMs?: number;
  /**
   * The meta-server's `LINKER_INTERNAL_TOKEN`. Set: the topology is read from `GET /internal/topology` with it, secrets
   * included (kept in memory only: the cache file gets the masked copy). Unset: the public, masked `GET /topology`.
   * Never logged.
   */
  token?: string;
}

/**
 * The topology as the meta-server serves it (`GET /topology`, or `GET /internal/topology` with a token; JSON, validated
 * here again). Follows `GET /topology/watch` and fetches each version it announces (with If-None-Match), connecting
 * again whenever the stream is lost; while it is down, polls every `refreshMs`. Keeps the last good copy when the
 * meta-server goes away or serves an invalid one, logging once per outage, and writes each new version to `cacheFile`.
 */
export class MetaServerTopologySource implements TopologySource {
  private view: TopologyView;
  /** The topology as served (secrets masked unless read with the token); the cache file keeps it masked. */
  private served: Topology;
  /**
   * False while running on the cached copy with a token: its secrets are masked, so the next answer is taken whole
   * (no If-None-Match) even if its version is the same.
   */
  private complete: boolean;
  /** The public version of `served` (its content hash, as `GET /topology` names it). */
  private currentVersion: string;
  /** The ETag it was served with (the internal version when read with the token): sent as If-None-Match. */
  private etag: string;
  private readonly listeners: TopologyListeners;
  private readonly endpoint: URL;
  private readonly logger: Logger;
  private reachable: boolean;
  private rejectedVersion: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** A refresh was asked for while one was in flight: run one more after it. */
  private again = false;
  private readonly watch: TopologyWatch;
  private watching = false;
  private readonly aborter = new AbortController();
  private closed = false;

  private constructor(
    private readonly options: MetaServerSourceOptions,
    first: { topology: Topology; version: string; reachable: boolean },
  ) {
    this.endpoint = endpointOf(options);
    this.logger = (options.logger ?? silentLogger).child({ component: 'topology-source' });
    this.listeners = new TopologyListeners(this.logger);
    this.served = first.topology;
    this.currentVersion = topologyVersion(first.topology);
    this.view = this.viewOf(first.topology, this.currentVersion);
    this.etag = first.version;
    this.reachable = first.reachable;
    this.complete = first.reachable || options.token === undefined;
    this.watch = new TopologyWatch({
      url: watchUrl(options.url),
      retryMs: options.refreshMs,
      logger: this.logger,
      onVersion: (event) => this.announced(event),
      onState: (connected) => this.watchState(connected),
    });
  }

  /**
   * Fetch the topology once, or start from `cacheFile` when the meta-server cannot give a valid one, then keep
   * refreshing. Rejects with a retriable `TOPOLOGY_UNAVAILABLE` when there is neither.
   */
  static async connect(options: MetaServerSourceOptions): Promise<MetaServerTopologySource> {
    const logger = (options.logger ?? silentLogger).child({ component: 'topology-source' });
    const endpoint = endpointOf(options);
    let outcome: FetchOutcome | undefined;
    let failure: string;
    try {
      outcome = await fetchTopology(endpoint, undefined, AbortSignal.timeout(requestTimeout(options)), options.token);
      failure = outcome.kind === 'invalid' ? `it serves an invalid topology:\n${formatProblems(outcome.problems)}` : '';
    } catch (error) {
      failure = errorMessage(error);
    }
    const source =
      outcome?.kind === 'topology'
        ? new MetaServerTopologySource(options, { ...outcome, reachable: true })
        : await MetaServerTopologySource.fromCache(options, failure, logger);
    if (outcome?.kind === 'topology') await source.saveCache();
    logger.info('topology loaded', { version: source.version(), from: outcome?.kind === 'topology' ? endpoint.origin : 'cache' });
    source.watch.start();
    source.schedule();
    return source;
  }

  private static async fromCache(options: MetaServerSourceOptions, failure: string, logger: Logger): Promise<MetaServerTopologySource> {
    const cached = options.cacheFile ? await readTopologyCache(options.cacheFile) : { problem: 'no cache file is configured' };
    if ('problem' in cached) {
      throw new LinkerError<TopologyErrorCode>(
        'TOPOLOGY_UNAVAILABLE',
        `no topology: the meta-server at ${topologyUrl(options.url).origin} failed (${failure}) and ${cached.problem}`,
        {
          retriable: true,
        },
      );
    }
    logger.warn('meta-server unavailable at start: running on the cached topology', {
      reason: failure,
      version: cached.version,
      savedAt: cached.savedAt,
      cacheFile: options.cacheFile,
    });
    return new MetaServerTopologySource(options, { topology: cached.topology, version: cached.version, reachable: false });
  }

  /** The newest good version. */
  current(): TopologyView {
    return this.view;
  }

  /** The version of `current()`, as `GET /topology` names it (a content hash; ADR 0010). */
  version(): string {
    return this.currentVersion;
  }

  /** Subscribe to new versions (a listener is called when anything changed, a secret included). */
  onChange(listener: TopologyListener): () => void {
    return this.listeners.add(listener);
  }

  /** Stop watching and refreshing and abort a request in flight; the last version stays available. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.aborter.abort();
    await this.watch.close();
    await this.inFlight;
  }

  /** The next poll: soon while the watch stream is down, rarely while it is up. */
  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshNow(), this.watching ? POLL_WHILE_WATCHING_MS : this.options.refreshMs);
    this.timer.unref();
  }

  /** Fetch now (one request at a time: asked for during one, another follows it). */
  private refreshNow(): void {
    if (this.closed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.inFlight = this.refresh().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        this.refreshNow();
      } else {
        this.schedule();
      }
    });
  }

  /** The watch stream named the current version: fetch it if it is not the one held. */
  private announced(event: WatchedVersion): void {
    // With the token, the ETag held is the internal version, which also changes when only a secret did.
    const internal = this.options.token !== undefined && event.internalVersion !== undefined;
    const changed = internal ? event.internalVersion !== this.etag : event.version !== this.currentVersion;
    if (changed || !this.complete) this.refreshNow();
  }

  private watchState(connected: boolean): void {
    if (connected === this.watching) return;
    this.watching = connected;
    this.logger.debug(connected ? 'following the topology watch stream' : 'topology watch stream lost: polling', {
      version: this.currentVersion,
    });
    this.schedule();
  }

  private async refresh(): Promise<void> {
    const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(requestTimeout(this.options))]);
    let outcome: FetchOutcome;
    try {
      outcome = await fetchTopology(this.endpoint, this.complete ? this.etag : undefined, signal, this.options.token);
    } catch (error) {
      if (!this.closed) this.lost(error);
      return;
    }
    if (!this.reachable) {
      this.reachable = true;
      this.logger.info('meta-server reachable again', { version: this.currentVersion });
    }
    if (outcome.kind === 'topology' && (outcome.version !== this.etag || !this.complete)) {
      this.complete = true;
      await this.adopt(outcome.topology, outcome.version);
    }
    if (outcome.kind === 'invalid') this.reject(outcome.version, outcome.problems.length, formatProblems(outcome.problems));
  }

  private lost(error: unknown): void {
    this.logger.debug('topology refresh failed', { reason: errorMessage(error) });
    if (!this.reachable) return;
    this.reachable = false;
    this.logger.warn('meta-server unreachable: keeping the last topology until it is back', {
      reason: errorMessage(error),
      version: this.currentVersion,
    });
  }

  /** Make a fetched topology current, unless it is the one held (a meta-server restart gives new internal tags). */
  private async adopt(topology: Topology, etag: string): Promise<void> {
    this.etag = etag;
    if (canonicalJson(topology) === canonicalJson(this.served)) return;
    const previous = this.currentVersion;
    this.served = topology;
    this.currentVersion = topologyVersion(topology);
    this.view = this.viewOf(topology, this.currentVersion);
    this.logger.info('new topology version', { version: this.currentVersion, previous });
    this.listeners.notify(this.view, this.currentVersion);
    await this.saveCache();
  }

  /** The view to route and authenticate with: masked secrets removed, so their apps fail closed. */
  private viewOf(topology: Topology, version: string): TopologyView {
    const usable = dropMaskedSecrets(topology);
    const hint = this.options.token === undefined ? 'set LINKER_INTERNAL_TOKEN to read it' : 'running on the cached copy';
    const warnings: Array<[string[], string]> = [
      [usable.apps, 'the meta-server never serves jwtSecret: logins and subscription tokens of these apps need another method'],
      [usable.authUrlSecretApps, 'the meta-server never serves authUrlSecret: the authUrl requests of these apps go unsigned'],
      [usable.apiKeyApps, 'the meta-server never serves apiKey: the server API of these apps answers 401 here'],
      [usable.webhookApps, "the meta-server never serves a webhook's secret: no webhook of these apps is sent from here"],
    ];
    for (const [apps, message] of warnings) if (apps.length > 0) this.logger.warn(`${message} (${hint})`, { apps, version });
    return new TopologyView(usable.topology);
  }

  private reject(version: string, count: number, problems: string): void {
    if (this.rejectedVersion === version) return;
    this.rejectedVersion = version;
    this.logger.error('meta-server serves an invalid topology: keeping the last good one', {
      version,
      count,
      problems,
      kept: this.currentVersion,
    });
  }

  private async saveCache(): Promise<void> {
    if (!this.options.cacheFile) return;
    try {
      await writeTopologyCache(this.options.cacheFile, this.currentVersion, maskSecrets(this.served));
    } catch (error) {
      this.logger.warn('cannot write the topology cache file', { cacheFile: this.options.cacheFile, reason: errorMessage(error) });
    }
  }
}

function endpointOf(options: MetaServerSourceOptions): URL {
  return options.token === undefined ? topologyUrl(options.url) : internalTopologyUrl(options.url);
}

function requestTimeout(options: MetaServerSourceOptions): number {
  return options.requestTimeoutMs ?? Math.min(5_000, Math.max(4 * options.refreshMs, 1_000));
}
