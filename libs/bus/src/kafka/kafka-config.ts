import { Kafka, type LogEntry, logLevel, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { LogFields, Logger } from '@linker/observability';
import type { KafkaSecurity } from '../bus-security.settings';
import { stopIdleRequestQueueLoop } from './request-queue-fix';

/**
 * Client tuning. The defaults aim at chat latency on a local or same-rack broker; see `DEFAULT_KAFKA_TUNING` for the
 * reason of each value.
 */
export interface KafkaTuning {
  /** How long the broker may hold a fetch that found nothing. Bounds idle fetch rate and how long `close` waits. */
  maxWaitTimeInMs: number;
  /** The broker answers a fetch as soon as this many bytes are there: 1 = as soon as one record is. */
  minBytes: number;
  /** A member that stops heartbeating is removed after this long (broker minimum: group.min.session.timeout.ms). */
  sessionTimeoutMs: number;
  /** Heartbeat period: how soon an idle member learns of a rebalance. Must be well under the session timeout. */
  heartbeatIntervalMs: number;
  /** How long a rebalance waits for members to finish their batch and rejoin. */
  rebalanceTimeoutMs: number;
  /** Partitions whose batches are handled at once by one member (batches of one partition never overlap). */
  partitionsConsumedConcurrently: number;
  /**
   * A member commits the offsets of the batches it handled at most this long after handling them, all partitions in
   * one request (and at once when it stops or a rebalance starts, so a graceful stop or a handover redelivers
   * nothing). Longer: fewer OffsetCommit requests (one per member per interval at most, whatever the rate), but after
   * a crash up to this long of handled batches is delivered again (the consumers' de-duplication absorbs them).
   */
  commitIntervalMs: number;
  /** kafkajs retries for every request; once exhausted, `publish` rejects with a retriable `LinkerError`. */
  retry: Required<Pick<RetryOptions, 'initialRetryTime' | 'maxRetryTime' | 'retries'>>;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long `subscribe` waits for the member to join its group. */
  joinTimeoutMs: number;
  /** How long `ensureTopics` waits for the metadata to show the topics with their leaders. */
  topicTimeoutMs: number;
  /** One `sendBatch` carries at most this many value bytes; publishes beyond wait for the next one. */
  maxFlushBytes: number;
  /** How often `drain` looks at the group's committed offsets (an admin request each time). */
  drainPollMs: number;
}

/**
 * Measured against Apache Kafka 3.9 (KRaft, one node, loopback) with kafkajs 2.2.4 (numbers in libs/bus/README.md):
 * with minBytes 1 a fetch returns as soon as a record lands (publish → handler p50 ≈ 2 ms), so maxWaitTimeInMs only
 * matters when idle — but every join, leave and close waits for the member's idle fetch: 5 s with kafkajs's default,
 * up to 0.5 s here, at the cost of 2 idle fetches a second per member (at 0.1 s, the 10 a second of every member were
 * most of what an idle domain cost the broker). The 500 ms heartbeat bounds how long a rebalance
 * waits for idle members (a 2nd member joins in ~0.5 s instead of 5 s). The session timeout is the broker's minimum
 * (6 s): a killed member's partitions move after about that long. A member stuck in one batch longer than the
 * rebalance timeout is dropped from the group at the next rebalance. Offsets are committed every 200 ms at most
 * instead of once per fetch: at 10 records/s a member sends at most 5 OffsetCommits a second instead of 10, at 100
 * records/s at most 5 instead of 100, and its fetch loop no longer waits for a commit's round trip.
 */
export const DEFAULT_KAFKA_TUNING: KafkaTuning = {
  maxWaitTimeInMs: 500,
  minBytes: 1,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
  partitionsConsumedConcurrently: 8,
  commitIntervalMs: 200,
  retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 6 },
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 10_000,
  joinTimeoutMs: 30_000,
  topicTimeoutMs: 30_000,
  maxFlushBytes: 512 * 1024,
  drainPollMs: 250,
};

export interface KafkaBusOptions {
  brokers: readonly string[];
  /** The name this process shows the broker (logs, quotas); e.g. `connector-<id>`. */
  clientId: string;
  logger: Logger;
  tuning?: Partial<KafkaTuning>;
  /** TLS and SASL (`busSecurityOf`); unset: plaintext, no authentication. */
  security?: KafkaSecurity;
}

/** kafkajs's "Limiting retries for the idempotent producer" warning: deliberate here, see KafkaPublisher. */
const EXPECTED_WARNING = /Limiting retries for the idempotent producer/;

/** Route kafkajs's own log lines into our Logger (silent unless the logger is on). */
function logCreator(logger: Logger): () => (entry: LogEntry) => void {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields: LogFields = { namespace, ...extra };
      if (level === logLevel.ERROR) kafkaLogger.error(message, fields);
      else if (level === logLevel.WARN && !EXPECTED_WARNING.test(message)) kafkaLogger.warn(message, fields);
      else if (level === logLevel.INFO) kafkaLogger.info(message, fields);
      else kafkaLogger.debug(message, fields);
    };
}

/** The kafkajs client for `options`, with our tuning and logger. */
export function createKafka(options: KafkaBusOptions, tuning: KafkaTuning): Kafka {
  stopIdleRequestQueueLoop();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: tuning.connectionTimeoutMs,
    requestTimeout: tuning.requestTimeoutMs,
    retry: tuning.retry,
    logLevel: logLevel.INFO,
    logCreator: logCreator(options.logger),
    ...(options.security?.ssl === undefined ? {} : { ssl: options.security.ssl }),
    // A copy: kafkajs stores the authenticator it makes (with the password) on the object it is given.
    ...(options.security?.sasl === undefined ? {} : { sasl: { ...options.security.sasl } as SASLOptions }),
  });
}
