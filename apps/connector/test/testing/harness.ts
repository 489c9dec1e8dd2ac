import type { Clock } from '@linker/kernel';
import { MemoryBroker, memoryLanes, type Bus, type BusErrorCode, type Lanes } from '@linker/bus';
import { intakeTopic } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { createLogger, silentLogger, type Logger } from '@linker/observability';
import { MemoryPresence, MemoryPresenceStore, type Presence } from '@linker/presence';
import type { TopologySource } from '@linker/topology';
import { connectorSettings, type ConnectorSettings } from '../../src/config/connector.config';
import type { Connector } from '../../src/connector';
import { openConnector } from '../../src/open-connector';
import { TestClient, type TestClientOptions } from '../socket/testing/test-client';
import { FakeProcessor, type FakeProcessorOptions } from './fake-processor';

export const DOMAIN = 'domain-t';
export const CONNECTOR = 'connector-t';

/** What the connector and the fake processor run on: memory twins by default, the real services in int-specs. */
export interface HarnessInfrastructure {
  domain: string;
  /** Lanes shared by the connector and the fake processor. */
  lanes: Lanes;
  connectorPresence: Presence;
  /** The processor's view of the same presence store. */
  processorPresence: Presence;
  broker?: MemoryBroker;
  close(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<ConnectorSettings>;
  processor?: Pick<FakeProcessorOptions, 'authenticate' | 'onAuth' | 'refresh'>;
  /** Memory only: the presence store to share (e.g. one holding a crashed predecessor's entries). */
  store?: MemoryPresenceStore;
  /** Wrap the connector's presence client (to count or fail calls). */
  wrapPresence?: (presence: Presence) => Presence;
  /** Run on other infrastructure than memory twins. */
  infrastructure?: () => Promise<HarnessInfrastructure>;
  /** The connector's clock (rate limits, windows); the system clock by default. */
  clock?: Clock;
  /** The topology the connector follows (the server API's keys); none by default. */
  topology?: TopologySource;
}

/** A connector, a fake processor, and loopback clients (all closed by `close`). */
export interface Harness {
  /** The memory broker, when running on memory twins. */
  broker: MemoryBroker;
  lanes: Lanes;
  /** The processor's view of presence (same store as the connector's). */
  presence: Presence;
  connector: Connector;
  processor: FakeProcessor;
  url: string;
  /**
   * Faults of the connector's lanes: `failIntake` makes every publish to the intake reject (the broker is down);
   * `holdIntake` keeps them waiting (a broker that does not answer) until `releaseIntake`.
   */
  faults: LaneFaults;
  /** Let the publishes `holdIntake` kept waiting go through (in order); they settle as the lane answers. */
  releaseIntake(): void;
  client(options?: TestClientOptions): Promise<TestClient>;
  /** A client authenticated as `userId` (its `socketId` filled in). */
  user(userId: string, extra?: Record<string, unknown>): Promise<TestClient>;
  close(): Promise<void>;
}

/** Logs go nowhere unless LINKER_TEST_LOGS=1. */
function testLogger(): Logger {
  return process.env.LINKER_TEST_LOGS === '1' ? createLogger('connector-test', 'debug') : silentLogger;
}

function memoryInfrastructure(store: MemoryPresenceStore): HarnessInfrastructure {
  const broker = new MemoryBroker();
  const lanes = memoryLanes(broker);
  return {
    domain: DOMAIN,
    lanes,
    broker,
    connectorPresence: new MemoryPresence({ store }),
    processorPresence: new MemoryPresence({ store }),
    close: () => lanes.close(),
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const infrastructure = options.infrastructure
    ? await options.infrastructure()
    : memoryInfrastructure(options.store ?? new MemoryPresenceStore());
  const { domain, lanes } = infrastructure;
  const config = connectorSettings({ domain, name: CONNECTOR, wsPort: 0, partitions: 4, ...options.settings });
  const faults: LaneFaults = { failIntake: false, holdIntake: false, held: [], intakePublishes: 0 };
  const presence = (options.wrapPresence ?? ((p) => p))(infrastructure.connectorPresence);
  const connector = openConnector(config, {
    lanes: faultyLanes(lanes, intakeTopic(domain), faults),
    presence,
    logger: testLogger(),
    clock: options.clock,
    topology: options.topology,
  });
  await connector.start();
  const processor = new FakeProcessor({ lanes, domain, connector: CONNECTOR, partitions: config.partitions, ...options.processor });
  await processor.start();
  const url = `ws://127.0.0.1:${connector.port}/ws`;
  const clients: TestClient[] = [];
  const client = async (clientOptions?: TestClientOptions): Promise<TestClient> => {
    const opened = await TestClient.connect(url, clientOptions);
    clients.push(opened);
    return opened;
  };
  const user = async (userId: string, extra?: Record<string, unknown>): Promise<TestClient> => {
    const opened = await client();
    const reply = await opened.auth(userId, extra);
    if ((reply.data as { isAuthenticated: boolean }).isAuthenticated !== true) throw new Error(`${userId} was not authenticated`);
    const taken = new Set(clients.map((c) => c.socketId));
    const auth = processor
      .all('AUTH_CLIENT')
      .find((e) => (e.data as { userId: string }).userId === userId && !taken.has(e.origin?.socketId));
    opened.socketId = auth?.origin?.socketId;
    return opened;
  };
  const releaseIntake = (): void => {
    for (const publish of faults.held.splice(0)) publish();
  };
  const close = async (): Promise<void> => {
    faults.holdIntake = false;
    releaseIntake(); // the connector's drain waits for what it published
    for (const opened of clients) opened.terminate();
    await connector.stop();
    await processor.stop();
    await infrastructure.close();
  };
  const broker = infrastructure.broker as MemoryBroker;
  return {
    broker,
    lanes,
    presence: infrastructure.processorPresence,
    connector,
    processor,
    url,
    faults,
    releaseIntake,
    client,
    user,
    close,
  };
}

interface LaneFaults {
  failIntake: boolean;
  holdIntake: boolean;
  /** The publishes held by `holdIntake`, each waiting to be made. */
  held: Array<() => void>;
  /** Calls of `publish` to the intake so far, on either lane (each may carry several records). */
  intakePublishes: number;
}

/** The connector's view of `lanes`, where publishes to the intake reject or wait as `faults` says. */
function faultyLanes(lanes: Lanes, intake: string, faults: LaneFaults): Lanes {
  const toIntake = (topic: string): boolean => topic === intake || topic.startsWith(`${intake}.p`);
  const publish = (bus: Bus, topic: string, records: Parameters<Bus['publish']>[1]): Promise<void> => {
    if (!toIntake(topic)) return bus.publish(topic, records);
    faults.intakePublishes += 1;
    if (faults.failIntake)
      return Promise.reject(new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'broker unreachable (test fault)', { retriable: true }));
    if (!faults.holdIntake) return bus.publish(topic, records);
    return new Promise((resolve, reject) => faults.held.push(() => void bus.publish(topic, records).then(resolve, reject)));
  };
  const wrap = (bus: Bus): Bus => ({
    drain: (drainOptions) => bus.drain(drainOptions),
    lane: bus.lane,
    ensureTopics: (topics, partitions) => bus.ensureTopics(topics, partitions),
    subscribe: (subscribeOptions) => bus.subscribe(subscribeOptions),
    close: () => bus.close(),
    publish: (topic, records) => publish(bus, topic, records),
  });
  return { RELIABLE: wrap(lanes.RELIABLE), FAST: wrap(lanes.FAST), close: () => lanes.close() };
}
