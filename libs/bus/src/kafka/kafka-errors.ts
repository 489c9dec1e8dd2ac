import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';
import { LinkerError } from '@linker/kernel';
import type { BusErrorCode } from '../bus.port';
import { tlsRefusalIn } from '../refusal';

/** kafkajs errors that mean "the broker could not be reached or did not answer in time". */
const UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
]);

/** The innermost cause of a kafkajs error (`KafkaJSNumberOfRetriesExceeded` wraps the last attempt's error). */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
  }
  return current;
}

/**
 * Map any error thrown by kafkajs to a `LinkerError`:
 * - the broker refused our credentials, or a certificate (ours or its): `BUS_REFUSED`, not retriable;
 * - the broker unreachable or too slow (after kafkajs's own retries): `BUS_UNAVAILABLE`, retriable;
 * - a topic that does not exist (never ensured; topics are not auto-created): `BUS_UNKNOWN_TOPIC`, not retriable;
 * - another broker error: `BUS_KAFKA_ERROR` naming its type, with kafkajs's own retriable flag;
 * - anything else: `BUS_KAFKA_ERROR`, retriable unless kafkajs says otherwise.
 */
export function toLinkerError(error: unknown, operation: string): LinkerError<BusErrorCode> {
  if (error instanceof LinkerError) return error;
  const root = rootCause(error);
  const detail = `${operation} failed: ${error instanceof Error ? error.message : String(error)}`;
  const names = [error, root].map((e) => (e instanceof Error ? e.name : ''));
  if (names.includes('KafkaJSSASLAuthenticationError')) {
    return new LinkerError<BusErrorCode>('BUS_REFUSED', `${detail} (check the SASL user, password and mechanism)`, { cause: error });
  }
  const tls = tlsRefusalIn(error) ?? tlsRefusalIn(root);
  if (tls) {
    return new LinkerError<BusErrorCode>('BUS_REFUSED', `${detail} (TLS: ${tls}; check the CA and client certificate settings)`, {
      cause: error,
    });
  }
  if (names.some((name) => UNAVAILABLE.has(name))) {
    return new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', detail, { retriable: true, cause: error });
  }
  if (root instanceof KafkaJSProtocolError) {
    const type = root.type || 'PROTOCOL_ERROR';
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') {
      return new LinkerError<BusErrorCode>('BUS_UNKNOWN_TOPIC', `${detail} (call ensureTopics first)`, { retriable: false, cause: error });
    }
    return new LinkerError<BusErrorCode>('BUS_KAFKA_ERROR', `${detail} (Kafka error ${type})`, { retriable: root.retriable, cause: error });
  }
  const retriable = root instanceof KafkaJSError ? root.retriable : true;
  return new LinkerError<BusErrorCode>('BUS_KAFKA_ERROR', detail, { retriable, cause: error });
}
