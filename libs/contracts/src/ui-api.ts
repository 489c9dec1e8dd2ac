/**
 * The JSON the web UI's server answers (ADR 0011), shared by that server (apps/meta-server/src/ui) and the page (ui/).
 */

/** One item of `GET /api/links`: the link from `from` to `to` as a processor of `from` reports it. */
export interface LinkObservation {
  from: string;
  to: string;
  up: boolean;
  processor?: string;
  /** When `up` last changed, epoch ms. */
  since?: number;
  rttMs?: number;
  /** Envelopes waiting in custody for this link. */
  waiting?: number;
}

/**
 * One parked message, as the processor's `GET /dead-letters` and the web UI's `GET /api/ops/dead-letters` list it:
 * who sent it to whom and why it was parked, never its content.
 */
export interface DeadLetterSummary {
  /** The envelope id: what `POST /dead-letters/{id}/reinject` takes. */
  id: string;
  type: string;
  lane: 'RELIABLE' | 'FAST';
  from: string;
  /** The recipient (or the channel); a group's recipients comma-separated. */
  to?: string;
  reason: string;
  /** When it was parked, epoch ms. */
  at: number;
  /** When the envelope was born, epoch ms. */
  createdAt: number;
}

/** A latency histogram as Prometheus exposes it: cumulative counts per upper bound (seconds), since the process started. */
export interface LatencyHistogram {
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** One connector in `GET /api/ops/overview`, from its `GET /health`; `error` in words when it did not answer. */
export interface OpsConnector {
  url: string;
  name?: string;
  status?: string;
  /** Open sockets, and how many are authenticated. */
  sockets?: number;
  authenticated?: number;
  presenceLease?: boolean;
  pendingPublishes?: number;
  error?: string;
}

/** One processor in `GET /api/ops/overview`, from its `GET /health` and `GET /metrics`. */
export interface OpsProcessor {
  name: string;
  domain?: string;
  running?: boolean;
  /** Intake envelopes handled since it started, by lane (counters: the page turns them into rates). */
  processed?: { RELIABLE: number; FAST: number };
  /** Envelopes parked since it started. */
  deadLettered?: number;
  /** Time from an envelope's creation to its delivery being handed to the connector, by lane. */
  latency?: { RELIABLE?: LatencyHistogram; FAST?: LatencyHistogram };
  error?: string;
}

/** `GET /api/ops/overview`: the domain's connectors and processors, sampled at `at` (epoch ms). */
export interface OpsOverview {
  at: number;
  connectors: OpsConnector[];
  processors: OpsProcessor[];
}

/**
 * `GET /api/ops/dead-letters?limit=`: the parked messages of each domain (its processors share one store, read once,
 * through `processor`), and in words what could not be read.
 */
export interface OpsDeadLetters {
  letters: Array<DeadLetterSummary & { domain: string; processor: string }>;
  problems: string[];
}

/** `POST /api/ops/domains/{domain}/dead-letters/{id}/reinject`: 200 on re-injection, else an error status with this body. */
export interface OpsReinjected {
  id: string;
  reinjected: boolean;
  message?: string;
}
