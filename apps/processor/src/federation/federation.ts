import type { BusRecord, Lanes, Subscription } from '@linker/bus';
import { decodeEnvelope, interestTopic, type Envelope } from '@linker/contracts';
import {
  resolveLinkLimits,
  type LinkLimits,
  type LinkListener,
  type LinkTls,
  type LinkTransport,
  type OutboundLink,
} from '@linker/domain-link';
import { errorMessage, LinkerError } from '@linker/kernel';
import type { Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { forwardTrail, type RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import { intakeData } from '../handlers/intake-data';
import { ChannelInterestTable, type ChannelFederation } from './channel-interest';
import { Forwarders } from './forwarders';
import { linkReports, type LinkReport } from './link-metrics';
import { Neighbours } from './neighbours';
import { linkReceiver } from './receiver';
import type { ConfigErrorCode } from '@linker/config';

/** How a processor links its domain to the others (ADR 0008, 0009). */
export interface FederationDeps {
  transport: LinkTransport;
  /** The secret shared with a neighbour (configuration); undefined → links with it are refused both ways. */
  secretFor(peer: string): string | undefined;
  /** Accept neighbours' links on this domain's link endpoint (one process per domain does). */
  listen: boolean;
  /** Address to listen on (default 127.0.0.1; `0.0.0.0` for every interface). */
  listenHost?: string;
  /** Port to listen on; default: the port of this domain's link endpoint in the topology (`domains[].urls[1]`). */
  listenPort?: number;
  /** The links' TLS: what the endpoint serves, what dialing trusts and presents, whether cleartext links are allowed (default: none, allowed). */
  tls?: LinkTls;
  /** How long a link stays down before what waits for it takes another path. Default 500 ms. */
  failoverMs?: number;
  limits?: Partial<LinkLimits>;
}

export interface FederationOptions extends FederationDeps {
  domain: string;
  /** This processor's name: it hears the domain's channel interest announcements in a group of its own. */
  member: string;
  /** How long channel interest is presumed everywhere after start (`LINKER_CHANNEL_INTEREST_MS`). */
  channelInterestMs: number;
  lanes: Lanes;
  partitions: number;
  mailbox: Mailbox;
  topology: () => TopologyView;
  logger: Logger;
}

/**
 * A processor's part of the federation: its links to the neighbours and the routes over them (`Neighbours`), the
 * senders of the custody queues (`Forwarders`), and — in the one process per domain that listens — the link endpoint
 * whose envelopes go into this domain's intake (`linkReceiver`).
 */
export class Federation implements ChannelFederation {
  readonly interest: ChannelInterestTable;
  private interestSubscription: Subscription | undefined;
  private readonly neighbours: Neighbours;
  private readonly forwarders: Forwarders;
  private listener: LinkListener | undefined;
  private view: TopologyView | undefined;
  private readonly log: Logger;
  /** Unanswered FAST sends per neighbour, and the most allowed (the link's window). */
  private readonly fastPending = new Map<string, number>();
  private readonly maxFastPending: number;
  /** FAST envelopes waiting for a free place in a neighbour's window, sent together when one frees; at most `maxFastQueued`. */
  private readonly fastQueued = new Map<string, Envelope[]>();
  private readonly maxFastQueued: number;
  /** FAST envelopes dropped per neighbour (link down or full), since start. */
  private readonly fastDropped = new Map<string, number>();

  constructor(private readonly options: FederationOptions) {
    const { domain, transport, secretFor, limits, lanes, mailbox, topology } = options;
    this.log = options.logger.child({ component: 'federation' });
    const resolved = resolveLinkLimits(limits);
    this.maxFastPending = resolved.maxInFlightBatches;
    this.maxFastQueued = 2 * resolved.maxBatchEnvelopes;
    const { tls } = options;
    this.neighbours = new Neighbours({ domain, transport, secretFor, limits, tls, logger: this.log });
    this.interest = new ChannelInterestTable(domain, Date.now(), options.channelInterestMs);
    this.forwarders = new Forwarders({
      domain,
      bus: lanes.RELIABLE,
      neighbours: this.neighbours,
      mailbox,
      topology,
      failoverMs: options.failoverMs ?? 500,
      logger: this.log,
    });
  }

  /**
   * Dial the neighbours, subscribe to the custody queues and to the domain's channel interest announcements, and listen
   * if this process holds the endpoint.
   */
  async start(): Promise<void> {
    this.follow(this.options.topology());
    await this.forwarders.sync();
    const { lanes, domain, member } = this.options;
    const topic = interestTopic(domain);
    await lanes.FAST.ensureTopics([topic], 1);
    this.interestSubscription = await lanes.FAST.subscribe({ topic, group: `${topic}.${member}`, handler: this.heard });
    if (this.options.listen) this.listener = await this.listen();
  }

  /**
   * The routes under `view` (`Neighbours.route`: over the links that are up, else the one custody waits for, so
   * nothing is refused because a link is down at this moment). A new topology version re-dials and re-subscribes.
   */
  readonly routes = (view: TopologyView): RouteLookup => {
    this.follow(view);
    return this.neighbours.routes(view);
  };

  /**
   * Apply a topology version, if it is new: dial the neighbours it adds, close the links it removes (their queues then
   * take the other paths at once), subscribe to the new neighbours' queues, drop inbound links of ex-neighbours.
   */
  follow(view: TopologyView): void {
    if (view === this.view) return;
    const first = this.view === undefined;
    this.view = view;
    this.neighbours.follow(view);
    if (first) return;
    const peers = this.neighbours.peers();
    for (const { peer } of this.listener?.metrics() ?? []) if (!peers.includes(peer)) this.listener?.drop(peer);
    this.forwarders.sync().catch((error: unknown) => this.log.error('link queues not subscribed', { error: errorMessage(error) }));
  }

  /**
   * FAST envelopes over the link to `nextHop` if it is up in this process and keeps up; dropped otherwise (at most
   * once). While as many FAST sends as the link has frames in flight are unanswered, further envelopes wait, up to
   * two batch frames' worth, and go together in one send as soon as one answer comes (many small sends become
   * few large ones under load); beyond that they are dropped rather than queued (a long queue would only make them
   * late).
   */
  readonly sendFast = (nextHop: string, envelopes: Envelope[]): void => {
    const link = this.neighbours.link(nextHop);
    if (!link?.up) return this.dropFast(nextHop, envelopes.length);
    const pending = this.fastPending.get(nextHop) ?? 0;
    if (pending < this.maxFastPending) return this.sendFastNow(nextHop, link, envelopes);
    const queued = this.fastQueued.get(nextHop) ?? [];
    if (queued.length + envelopes.length > this.maxFastQueued) return this.dropFast(nextHop, envelopes.length);
    for (const envelope of envelopes) queued.push(envelope);
    this.fastQueued.set(nextHop, queued);
  };

  private sendFastNow(nextHop: string, link: OutboundLink, envelopes: Envelope[]): void {
    this.fastPending.set(nextHop, (this.fastPending.get(nextHop) ?? 0) + 1);
    link
      .send(envelopes.map((envelope) => forwardTrail(envelope, nextHop)))
      .catch(() => this.dropFast(nextHop, envelopes.length))
      .finally(() => {
        this.fastPending.set(nextHop, (this.fastPending.get(nextHop) ?? 1) - 1);
        const queued = this.fastQueued.get(nextHop);
        if (queued === undefined) return;
        this.fastQueued.delete(nextHop);
        this.sendFast(nextHop, queued);
      });
  }

  private dropFast(peer: string, count: number): void {
    this.fastDropped.set(peer, (this.fastDropped.get(peer) ?? 0) + count);
  }

  /** Per-link figures: up/down, custody waiting, envelopes and bytes each way, round trip. */
  links(): LinkReport[] {
    return linkReports(this.neighbours.metrics(), this.listener?.metrics() ?? [], {
      waiting: (peer) => this.forwarders.waitingFor(peer),
      fastDropped: (peer) => this.fastDropped.get(peer) ?? 0,
    });
  }

  /** Connections to the link endpoint refused during the TLS handshake (0 where this process does not hold it). */
  tlsRefusedInbound(): number {
    return this.listener?.tlsRefused ?? 0;
  }

  /** This domain's neighbours in the current topology. */
  peers(): string[] {
    return this.neighbours.peers();
  }

  /** Channel interest announcements, as the domain's processor that handled each passes them to all. */
  private readonly heard = async (records: readonly BusRecord[]): Promise<void> => {
    const now = Date.now();
    for (const record of records) {
      try {
        this.interest.record(intakeData(decodeEnvelope(record.value), 'CHANNEL_INTEREST'), now);
      } catch (error) {
        this.log.warn('channel interest announcement skipped', { error: errorMessage(error) });
      }
    }
  };

  async stop(): Promise<void> {
    await this.interestSubscription?.close();
    await this.listener?.close();
    await this.forwarders.stop();
    await this.neighbours.close();
  }

  private async listen(): Promise<LinkListener> {
    const { domain, transport, secretFor, limits, lanes, partitions, mailbox, topology } = this.options;
    const published = topology().endpoints(domain).link;
    const port = this.options.listenPort ?? portOf(published);
    if (port === undefined)
      throw new LinkerError<ConfigErrorCode>(
        'INVALID_CONFIG',
        `domain ${domain} has no link endpoint with a port in the topology (domains[].urls[1]: ${published})`,
      );
    const endpoint = `ws://${this.options.listenHost ?? '127.0.0.1'}:${port}`;
    const listener = await transport.listen({
      domain,
      endpoint,
      tls: this.options.tls?.listen,
      secretFor,
      limits,
      acceptsPeer: (peer) => this.neighbours.peers().includes(peer),
      onReceive: linkReceiver({ domain, lanes, partitions, mailbox, logger: this.log }),
      logger: this.log,
    });
    this.log.info('link endpoint listening', { endpoint: listener.endpoint });
    return listener;
  }
}

/** The port of an endpoint URL (`ws://host:port`, `tcp://host:port`, with or without a path), if it names one. */
export function portOf(endpoint: string | undefined): number | undefined {
  const match = endpoint === undefined ? null : /^[a-z]+:\/\/[^/]*:(\d+)(?:\/.*)?$/.exec(endpoint);
  return match ? Number(match[1]) : undefined;
}
