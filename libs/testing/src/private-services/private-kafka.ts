import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../domains/real-processes';
import { javaCommand, kafkaLibDir } from './installed';
import { PrivateService, startPrivate, type ServiceCommand } from './private-service';
import { answers, frameReceived, kafkaBrokerCount, kafkaMetadataRequest } from './wire';

/** Light JVM settings: the client compiler only and the serial collector start the broker in about 3 s. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Djava.awt.headless=true'];
const BROKER_HEAP = ['-Xms64m', '-Xmx384m'];
const FORMAT_TIMEOUT_MS = 60_000;

/**
 * An Apache Kafka of the test's own: one KRaft node (broker and controller) from the jars `npm run services:up`
 * installs, configured as up.sh configures the shared one, on free loopback ports (`advertised.listeners` names its
 * own), with its storage formatted once in this instance's directory. After a `kill` (kill -9), `start` recovers its
 * log: records and committed offsets survive. Two settings differ from up.sh to make that restart fast: the
 * controller forgets the killed broker after 1.5 s (`broker.session.timeout.ms`) instead of 9 s, and the internal
 * topics have one partition. `lastStartMs` tells how long a start took (about 3-5 s, a first one also formats).
 */
export class PrivateKafka extends PrivateService {
  protected readonly readiness = 'answer a Metadata request listing its broker';
  protected override readonly readyTimeoutMs = 90_000;

  private constructor(
    port: number,
    readonly controllerPort: number,
    directory: string,
    private readonly lib: string,
  ) {
    super('the private Kafka', port, directory);
  }

  static async start(): Promise<PrivateKafka> {
    const lib = kafkaLibDir();
    const controllerPort = await freePort();
    let port = await freePort();
    while (port === controllerPort) port = await freePort();
    return startPrivate('kafka', (_, directory) => new PrivateKafka(port, controllerPort, directory, lib));
  }

  /** `['127.0.0.1:<port>']`, as `TestServices.kafkaBrokers`. */
  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  protected override async prepare(): Promise<void> {
    const properties = join(this.directory, 'server.properties');
    if (await exists(join(this.directory, 'data', 'meta.properties'))) return;
    await writeFile(properties, this.serverProperties());
    await writeFile(join(this.directory, 'log4j.properties'), LOG4J);
    // The cluster id: 16 random bytes in URL-safe base64, as `kafka-storage random-uuid` makes (never with a leading
    // '-', which the tool would take for an option).
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    const format = ['-Xmx128m', ...JVM_FLAGS, ...this.classpath(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties];
    await promisify(execFile)(javaCommand(), format, { cwd: this.directory, timeout: FORMAT_TIMEOUT_MS }).catch(
      (error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`formatting the storage of ${this.name} failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`, {
          cause: error,
        });
      },
    );
  }

  protected command(): ServiceCommand {
    return {
      command: javaCommand(),
      args: [
        ...BROKER_HEAP,
        ...JVM_FLAGS,
        `-Dkafka.logs.dir=${this.directory}`,
        ...this.classpath(),
        'kafka.Kafka',
        join(this.directory, 'server.properties'),
      ],
    };
  }

  protected ready(): Promise<boolean> {
    const exchange = {
      port: this.port,
      request: kafkaMetadataRequest(),
      complete: (reply: Buffer) => frameReceived(reply, false),
      timeoutMs: 1_000,
    };
    return answers(exchange, (reply) => kafkaBrokerCount(reply) > 0);
  }

  private classpath(): string[] {
    return [`-Dlog4j.configuration=file:${join(this.directory, 'log4j.properties')}`, '-cp', join(this.lib, '*')];
  }

  private serverProperties(): string {
    return [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(this.directory, 'data')}`,
      'num.partitions=1',
      'default.replication.factor=1',
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'min.insync.replicas=1',
      'group.initial.rebalance.delay.ms=0',
      // A restart after kill -9 registers the broker again only once the controller let the old registration expire.
      'broker.session.timeout.ms=1500',
      'broker.heartbeat.interval.ms=300',
      '',
    ].join('\n');
  }
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
