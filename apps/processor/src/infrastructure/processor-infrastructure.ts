import { checkAll } from '@linker/config';
import { RedisAnalyticsStore, type AnalyticsStore } from '@linker/analytics';
import { busSecurityOf, connectLanes, type Lanes } from '@linker/bus';
import { ResourceStack, untilReachable } from '@linker/lifecycle';
import { MongoMailbox, type Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { RedisChannelHistory, RedisPresence, redisSecurityOf, type ChannelHistory, type Presence } from '@linker/presence';
import type { ProcessorConfig } from '../config/processor.config';

/** What the processor touches outside itself, opened from its config. */
export interface ProcessorInfrastructure {
  lanes: Lanes;
  presence: Presence;
  mailbox: Mailbox;
  history: ChannelHistory;
  analytics: AnalyticsStore;
  close(): Promise<void>;
}

/** Connect to the real services, waiting for them at start-up (`untilReachable`); on a failure, close what was opened and reject. */
export async function openProcessorInfrastructure(config: ProcessorConfig, logger: Logger): Promise<ProcessorInfrastructure> {
  // Read and checked before anything connects: a setting without its partner, or a file that cannot be read, stops the start.
  const [security, redisSecurity] = checkAll(
    () => busSecurityOf(config),
    () => redisSecurityOf(config),
  );
  const resources = new ResourceStack();
  const wait = { logger, timeoutMs: config.startupTimeoutMs };
  const lanes = await resources.open(() =>
    untilReachable(
      'Kafka and NATS',
      () =>
        connectLanes({
          kafkaBrokers: config.kafkaBrokers,
          natsUrl: config.natsUrl,
          clientId: config.name,
          logger,
          natsWriteDelayMs: config.natsWriteDelayMs,
          security,
        }),
      wait,
    ),
  );
  const cache = config.presenceCache ? { maxUsers: config.presenceCacheMaxUsers } : undefined;
  const presence = await resources.open(() =>
    RedisPresence.forDomain({ ...config, redisSecurity }, config.domain, logger, { cache, settleMs: config.presenceSettleMs }),
  );
  const history = await resources.open(() => RedisChannelHistory.forDomain(config.redisUrl, config.domain, logger, redisSecurity));
  const mailbox = await resources.open(() =>
    untilReachable(
      'MongoDB',
      () => MongoMailbox.open({ url: config.mongodbUrl, database: config.mongodbDatabase ?? `linker-${config.domain}`, logger }),
      wait,
    ),
  );
  const slices = { sliceSeconds: config.analyticsSliceS, retentionHours: config.analyticsRetentionH };
  const analytics = await resources.open(() =>
    RedisAnalyticsStore.forDomain(config.redisUrl, config.domain, slices, logger, redisSecurity),
  );
  const close = async () => {
    await resources.close();
    logger.info('connections to the services closed');
  };
  return { lanes, presence, mailbox, history, analytics, close };
}
