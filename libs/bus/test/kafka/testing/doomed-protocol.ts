import type { KafkaTuning } from '../../../src/kafka/kafka-config';

/** What the doomed consumer child process (doomed-consumer.ts) tells its parent (doomed-process.ts) over IPC. */
export interface WireRecord {
  key: string;
  /** base64 */
  value: string;
}

export type DoomedMessage =
  | { type: 'ready' }
  | { type: 'received'; records: WireRecord[] }
  | { type: 'completed'; records: WireRecord[] }
  | { type: 'failed'; error: string };

export interface DoomedArgs {
  brokers: string[];
  topic: string;
  group: string;
  stopAfter: number;
  /** Tuning of its `KafkaBus` beyond the defaults, e.g. a long `commitIntervalMs`. */
  tuning?: Partial<KafkaTuning>;
  /** The security settings' variables (e.g. `SecuredTestServices.env`), read as an app reads them; unset: plain. */
  securityEnv?: Record<string, string>;
}
