import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SocketAddress } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '@linker/topology';
import { ApiFailure, isApiFailure } from '../api/api-failure';
import type { ChannelSubscribers } from '../channels/channel-subscribers';
import type { PresenceKeeper } from '../presence/presence-keeper';
import type { ClientSocket, SendLimits } from '../socket/client-socket';
import type { HttpRefusal, LongLivedRefusal, PushPort } from '../socket/ws-server';
import { answerFailure, answerJson, expectMethod, mapChannel } from './compat-http';
import type { PushPublish } from './push-publish';
import {
  pushFrames,
  PushSubscriber,
  sseConnection,
  SSE_HEARTBEAT,
  wsConnection,
  WS_HEARTBEAT,
  type PushConnection,
} from './push-subscriber';

const PUSH_PUBLISH_PATH = '/messages';
const PUSH_SSE_PATH = '/sse/messages';
const PUSH_WS_PATH = '/ws/messages';

export interface PushEndpointsOptions {
  appName: string;
  domain: string;
  connector: string;
  topology: () => TopologyView;
  keeper: PresenceKeeper;
  subscribers: ChannelSubscribers;
  publisher: PushPublish;
  /** Most channels in one subscription request. */
  maxChannels: number;
  heartbeatMs: number;
  closeGraceMs: number;
  lifetimeMinMs: number;
  lifetimeMaxMs: number;
  maxMissedPongs: number;
  sendLimits: SendLimits;
  logger: Logger;
  /** False while the connector drains (or before it runs): 503 UNAVAILABLE. */
  serving(): boolean;
}

const RETRY_AFTER_MS = 1_000;

/**
 * The Push-compatible endpoints on the client port (docs/protocol.md, Compatible HTTP endpoints):
 * `POST /messages` (`PushPublish`), and the subscribers of `GET /sse/messages` and `GET /ws/messages`. A subscriber
 * names its channels in `?channels=a,b` (at most `maxChannels`, each declared `subscribe: public` by the app); it is
 * admitted under the client port's limits, registered in presence under each channel before it gets its first
 * heartbeat (from then on it counts and gets publications), heartbeated every `heartbeatMs`, ended after a random
 * lifetime in [`lifetimeMinMs`, `lifetimeMaxMs`], and removed from presence when it goes.
 */
export class PushEndpoints implements PushPort {
  private readonly live = new Set<PushSubscriber>();
  /** The channels an upgrade request asked for, from its check to its upgrade. */
  private readonly asked = new WeakMap<IncomingMessage, string[]>();
  private readonly byAddress = new Map<string, number>();
  private readonly frames;
  private streams = 0;
  private next = 1;
  private readonly boot = `${Date.now().toString(36)}-push`;
  private timer: NodeJS.Timeout | undefined;
  readonly upgradePath = PUSH_WS_PATH;
  readonly closeTimeoutMs: number;

  constructor(private readonly options: PushEndpointsOptions) {
    this.frames = pushFrames(options.appName);
    this.closeTimeoutMs = options.closeGraceMs;
  }

  serves(path: string): boolean {
    return path === PUSH_PUBLISH_PATH || path === PUSH_SSE_PATH;
  }

  handle(request: IncomingMessage, response: ServerResponse, admission: () => LongLivedRefusal | undefined): void {
    const sse = pathOf(request) === PUSH_SSE_PATH;
    const answered = sse ? this.subscribeSse(request, response, admission) : this.publish(request, response);
    answered.catch((error: unknown) => {
      const failure = isApiFailure(error) ? error : new ApiFailure('INTERNAL_ERROR', 'unexpected failure: retry');
      if (!isApiFailure(error)) this.options.logger.warn('Push request failed', { error: errorMessage(error) });
      answerFailure(request, response, failure, this.options.logger);
    });
  }

  /** Why `/ws/messages` may not be upgraded (checked before the upgrade), or undefined. */
  upgradeRefusal(request: IncomingMessage): HttpRefusal | undefined {
    try {
      this.checkServing();
      this.asked.set(request, this.subscription(request));
      return undefined;
    } catch (error) {
      if (!isApiFailure(error)) throw error;
      this.options.logger.debug('request refused', { code: error.code, path: PUSH_WS_PATH, address: request.socket.remoteAddress });
      const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', ...error.headers() };
      return { status: error.status, headers, body: JSON.stringify(error.body()) };
    }
  }

  /** A WebSocket admitted by `upgradeRefusal`, with the channels it checked. */
  upgraded(socket: ClientSocket, request: IncomingMessage, remoteAddress: string): void {
    const channels = this.asked.get(request) ?? [];
    this.asked.delete(request);
    const subscriber = this.subscriber(channels, remoteAddress, 'ws', wsConnection(socket));
    socket.listen({ message: () => undefined, closed: () => this.ended(subscriber) });
    void this.register(subscriber).then((registered) => {
      if (!registered) socket.close('INTERNAL_ERROR', 'channel subscriptions cannot be registered right now: retry');
    });
  }

  /** SSE streams open now (WebSockets are counted by the WebSocket server). */
  openStreams(): number {
    return this.streams;
  }

  /** Push subscribers from `remoteAddress` now. */
  from(remoteAddress: string): number {
    return this.byAddress.get(remoteAddress) ?? 0;
  }

  /** The subscribers registered in presence (to register again after presence lost them). */
  registered(): Iterable<PushSubscriber> {
    return this.live;
  }

  start(): void {
    const { heartbeatMs, maxMissedPongs } = this.options;
    this.timer ??= setInterval(() => {
      for (const subscriber of this.live) subscriber.heartbeat(maxMissedPongs);
    }, heartbeatMs);
    this.timer.unref();
  }

  /** Stop the heartbeats and end every subscriber (the connector drains). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const subscriber of [...this.live]) subscriber.end('draining');
  }

  private async publish(request: IncomingMessage, response: ServerResponse): Promise<void> {
    expectMethod(request, 'POST');
    this.checkServing();
    answerJson(response, 200, await this.options.publisher.publish(request));
  }

  private async subscribeSse(
    request: IncomingMessage,
    response: ServerResponse,
    admission: () => LongLivedRefusal | undefined,
  ): Promise<void> {
    expectMethod(request, 'GET');
    this.checkServing();
    const channels = this.subscription(request);
    const refused = admission();
    if (refused === 403) throw new ApiFailure('NOT_ALLOWED', 'this Origin is not allowed (LINKER_ALLOWED_ORIGINS)');
    if (refused === 503) {
      throw new ApiFailure('UNAVAILABLE', 'this connector holds as many connections as it may (from this address, or in all): retry', {
        retryAfterMs: RETRY_AFTER_MS,
      });
    }
    const subscriber = this.subscriber(
      channels,
      request.socket.remoteAddress ?? '',
      'sse',
      sseConnection(response, this.options.sendLimits, this.options.closeGraceMs),
    );
    this.streams += 1;
    response.once('close', () => {
      this.streams -= 1;
      this.ended(subscriber);
    });
    if (!(await this.register(subscriber, () => openStream(response)))) {
      throw new ApiFailure('UNAVAILABLE', 'channel subscriptions cannot be registered right now; nothing was subscribed: retry', {
        retryAfterMs: RETRY_AFTER_MS,
      });
    }
  }

  private checkServing(): void {
    if (!this.options.serving())
      throw new ApiFailure('UNAVAILABLE', 'the connector is shutting down: retry on another', { retryAfterMs: RETRY_AFTER_MS });
  }

  /** The channels `?channels=a,b` asks for: each declared `subscribe: public` by the app. */
  private subscription(request: IncomingMessage): string[] {
    const raw = new URL(request.url ?? '/', 'http://push').searchParams.get('channels');
    if (raw === null || raw === '') throw new ApiFailure('INVALID_FIELD', 'channels: give the channels to subscribe to, ?channels=a,b');
    const names = [...new Set(raw.split(','))];
    const { maxChannels, appName, topology } = this.options;
    if (names.length > maxChannels) {
      throw new ApiFailure('INVALID_FIELD', `channels: ${names.length} channels, at most ${maxChannels} (LINKER_MAX_CHANNELS_PER_SOCKET)`);
    }
    const view = topology();
    return names.map((name) => {
      const mapped = mapChannel(view, appName, name, 'channels');
      if (mapped.rule.subscribe !== 'public') {
        throw new ApiFailure(
          'NOT_ALLOWED',
          `channels: ${name} needs a subscription token; these endpoints serve only channels declared subscribe: public`,
        );
      }
      return mapped.channel;
    });
  }

  private subscriber(channels: string[], remoteAddress: string, kind: 'sse' | 'ws', connection: PushConnection): PushSubscriber {
    const { domain, connector } = this.options;
    const address: SocketAddress = Object.freeze({ domain, connector, socketId: `${this.boot}-${this.next++}` });
    const heartbeat = kind === 'sse' ? SSE_HEARTBEAT : WS_HEARTBEAT;
    const subscriber = new PushSubscriber(address, channels, this.frames[kind], heartbeat, remoteAddress, connection);
    this.byAddress.set(remoteAddress, this.from(remoteAddress) + 1);
    for (const channel of channels) this.options.subscribers.add(channel, subscriber);
    return subscriber;
  }

  /**
   * Register `subscriber` in presence; once registered (and still open), `opened` runs and it goes live. False when
   * presence failed (then nothing of it is kept).
   */
  private async register(subscriber: PushSubscriber, opened: () => void = () => undefined): Promise<boolean> {
    try {
      await this.options.keeper.subscribeAll(subscriber);
    } catch (error) {
      this.options.logger.warn('Push subscription could not be registered in presence', { error: errorMessage(error) });
      this.drop(subscriber);
      return false;
    }
    // One that ended meanwhile had its entries removed then, possibly before they were registered.
    if (subscriber.state === 'closed') {
      void this.options.keeper.leave(subscriber);
      return true;
    }
    opened();
    this.live.add(subscriber);
    const { lifetimeMinMs: min, lifetimeMaxMs: max } = this.options;
    subscriber.live(min + Math.floor(Math.random() * (max - min + 1)));
    return true;
  }

  /** The connection is gone: it leaves its channels here and in presence. */
  private ended(subscriber: PushSubscriber): void {
    if (subscriber.state === 'closed') return;
    const wasRegistered = subscriber.state === 'live';
    this.drop(subscriber);
    if (wasRegistered) void this.options.keeper.leave(subscriber);
  }

  private drop(subscriber: PushSubscriber): void {
    if (subscriber.state !== 'closed') {
      const left = this.from(subscriber.remoteAddress) - 1;
      if (left > 0) this.byAddress.set(subscriber.remoteAddress, left);
      else this.byAddress.delete(subscriber.remoteAddress);
    }
    subscriber.closed();
    this.live.delete(subscriber);
    for (const channel of subscriber.channels) this.options.subscribers.remove(channel, subscriber);
  }
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?', 1)[0];
}

/** The stream's head: an event stream that is never cached nor buffered by a proxy, on its own connection. */
function openStream(response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream;charset=UTF-8',
    'cache-control': 'no-cache',
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
}
