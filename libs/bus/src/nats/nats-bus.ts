import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import { errorMessage, LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { BatchQueue } from '../batch-queue';
import type { Bus, BusRecord, SubscribeOptions, Subscription, BusErrorCode } from '../bus.port';
import type { NatsSecurity } from '../bus-security.settings';
import { decodeRecords, toLinkerError } from './nats-codec';
import { NatsPublisher } from './nats-publisher';

export interface NatsBusOptions {
  /** `nats://host:port`, or several for a cluster. */
  servers: string | string[];
  /** The connection's name, shown by the server's monitoring (e.g. `processor-<id>`). */
  name: string;
  logger: Logger;
  /** Records waiting for one subscription's handler before new ones are dropped (at most once). Default 100,000. */
  maxPending?: number;
  /** How long publishes may wait to leave together (see `NatsPublisher`). Default 0: the end of the event-loop turn. */
  writeDelayMs?: number;
  /** TLS and credentials (`busSecurityOf`); unset: TLS only if the server asks for it, no credentials. */
  security?: NatsSecurity;
}

/**
 * The FAST lane on NATS core: subject = topic, queue group = group, at most once, nothing stored. Guarantees (see
 * bus.port.ts): a resolved `publish` means the client accepted the records (they may still be lost on a failure);
 * records from one publisher reach one subscriber in publish order; nothing is redelivered. What is published to a
 * subject in one event-loop turn travels as one NATS message (`NatsPublisher`). Each subscription hands
 * its handler batches of whatever arrived while the previous batch was handled, one batch in flight at a time.
 * Reconnection is the client's: it reconnects forever and resubscribes. Create it with `NatsBus.connect`.
 */
export class NatsBus implements Bus {
  readonly lane = 'FAST' as const;
  private readonly subscriptions = new Set<Subscription>();
  private readonly publisher: NatsPublisher;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly maxPending: number,
    private readonly logger: Logger,
    writeDelayMs: number,
  ) {
    this.publisher = new NatsPublisher(connection, writeDelayMs);
  }

  /** A connected client; rejects with a retriable `LinkerError` when the server cannot be reached. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const logger = options.logger.child({ component: 'nats-bus', name: options.name });
    try {
      const connection = await connect({
        servers: options.servers,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        ...natsSecurityOptions(options.security),
      });
      void NatsBus.watch(connection, logger);
      return new NatsBus(connection, options.maxPending ?? 100_000, logger, options.writeDelayMs ?? 0);
    } catch (error) {
      throw toLinkerError(error, 'connect to NATS');
    }
  }

  /** FAST subjects need no creation: resolves at once. */
  async ensureTopics(): Promise<void> {
    this.assertOpen();
  }

  /** FAST retains nothing, so there is nothing to drain: resolves at once. */
  async drain(): Promise<void> {
    this.assertOpen();
  }

  /**
   * Resolves once the client accepted the records (at the end of this event-loop turn; buffered while reconnecting);
   * not that anyone received them.
   */
  async publish(topic: string, records: readonly BusRecord[]): Promise<void> {
    this.assertOpen();
    return this.publisher.publish(topic, records);
  }

  /** Resolves once the server has registered the subscription: records published from now on reach the group. */
  async subscribe({ topic, group, handler }: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const logger = this.logger.child({ topic, group });
    const queue = new BatchQueue<BusRecord>({
      handle: handler,
      onError: (error, records) =>
        logger.warn('batch handler rejected; FAST records are not redelivered', { records, error: errorMessage(error) }),
      onDrop: (pending) => logger.warn('subscriber too slow; FAST record dropped', { pending }),
      limit: this.maxPending,
    });
    const natsSubscription = this.connection.subscribe(topic, {
      queue: group,
      callback: (error, message) => {
        const records = error ? [] : decodeRecords(message.data);
        for (const record of records) queue.push(record);
        if (records.length === 0)
          logger.warn('unreadable FAST message skipped', { error: error ? errorMessage(error) : 'not a bus record' });
      },
    });
    await this.connection.flush().catch((error: unknown) => {
      natsSubscription.unsubscribe();
      throw toLinkerError(error, `subscribe to ${topic}`);
    });
    let closed: Promise<void> | undefined;
    const subscription: Subscription = {
      close: () => {
        this.subscriptions.delete(subscription);
        closed ??= natsSubscription
          .drain()
          .catch((error: unknown) => logger.debug('subscription drain failed', { error: errorMessage(error) }))
          .then(() => queue.idle());
        return closed;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** A round trip to the NATS server (a flush: PING, PONG). */
  async probe(): Promise<void> {
    this.assertOpen();
    await this.connection.flush();
  }

  /** Close every subscription (batches in hand finish), flush what was published, disconnect. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.publisher.flush();
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      await this.connection.drain().catch((error: unknown) => this.logger.debug('connection drain failed', { error: errorMessage(error) }));
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new LinkerError<BusErrorCode>('BUS_CLOSED', 'this NATS bus client is closed');
  }

  /** Log the connection's status changes (disconnects, reconnects) until it closes. */
  private static async watch(connection: NatsConnection, logger: Logger): Promise<void> {
    for await (const status of connection.status()) {
      const fields = { type: status.type, data: String(status.data) };
      if (status.type === 'disconnect' || status.type === 'error') logger.warn('NATS connection status', fields);
      else logger.debug('NATS connection status', fields);
    }
  }
}

/** The client options of `security`: TLS with its files, and a user and password, a token or a credentials file. */
function natsSecurityOptions({ tls, creds, ...auth }: NatsSecurity = {}): Partial<ConnectionOptions> {
  return {
    ...auth,
    ...(tls === undefined ? {} : { tls: { ca: tls.ca?.toString(), cert: tls.cert?.toString(), key: tls.key?.toString() } }),
    ...(creds === undefined ? {} : { authenticator: credsAuthenticator(creds) }),
  };
}
