import { CLIENT_DATA, CLOSE_CODES, ERROR_CODES, type ErrorCode } from '@linker/contracts';
import type { HistogramChild, Metrics } from '@linker/observability';

/** The frames a connector writes to clients; any other counts as `other`. Most frequent first (each is one compare). */
const SERVER_FRAME_TYPES = [
  'MESSAGE',
  'MESSAGE_CONFIRMATION',
  'ACCEPTED',
  'PUBLICATION',
  'PONG',
  'INVALID_MESSAGE',
  'AUTH_CLIENT_REPLY',
  'AUTH_REQUIRED',
  'FETCH_MISSING_MESSAGES_COMPLETE',
  'USER_CONNECTED',
  'USER_DISCONNECTED',
  'SUBSCRIBED',
  'UNSUBSCRIBED',
  'TOKEN_EXPIRING',
  'REFRESH_TOKEN_REPLY',
] as const;

/** Close codes besides the connector's own: a client's normal close, no status, a dropped connection. */
const PEER_CLOSE_CODES = [1000, 1001, 1005, 1006];

/** Seconds from AUTH_CLIENT to its reply (an `authUrl` webhook may take seconds). */
const AUTH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Why a frame was refused by a rate limit: the socket's bucket, the user's (all its sockets), a group's recipients. */
export type RateLimitScope = 'socket' | 'user' | 'group';
/** How a login ended: accepted (reply written), refused (4001 or 4011), failed (presence could not be registered). */
type AuthOutcome = 'accepted' | 'refused' | 'failed';

/**
 * What the connector counts on its hot path. Every method is an array or map lookup and an addition on a label child
 * bound once at start-up: nothing is allocated per frame.
 */
export interface ConnectorMeter {
  /** A client frame read: its `type` (one a client may not send, or none: `other`). */
  frameIn(type: unknown): void;
  /** A client frame that is not one JSON object in a text frame. */
  malformedIn(): void;
  /** A frame written to a client (its type read from its first bytes). */
  frameOut(frame: Buffer): void;
  /** An INVALID_MESSAGE sent, by code. */
  error(code: ErrorCode): void;
  /** A connection closed with `code`: by the server (its close frame), or by the client (or dropped: 1006). */
  closed(by: 'server' | 'client', code: number): void;
  rateLimited(scope: RateLimitScope): void;
  /** A login answered `ms` after its AUTH_CLIENT. */
  auth(outcome: AuthOutcome, ms: number): void;
}

/** A meter that counts nothing (unit tests, a connector built without metrics). */
export const NO_METER: ConnectorMeter = {
  frameIn: () => undefined,
  malformedIn: () => undefined,
  frameOut: () => undefined,
  error: () => undefined,
  closed: () => undefined,
  rateLimited: () => undefined,
  auth: () => undefined,
};

/** What the gauges read at each scrape. */
export interface ConnectorGauges {
  /** Every open client socket: the app of its (claimed or authenticated) user ('' before AUTH_CLIENT), its user once authenticated, its send queue's bytes. */
  sockets(): Iterable<{ app: string; user: string | undefined; queuedBytes: number }>;
}

/**
 * A counter kept as plain numbers, one slot per label set known at start-up: counting is `counts[slot] += 1`, with no
 * label object, no hash and no allocation; the registry reads the slots when scraped (`sampledCounter`).
 */
class SlotCounter {
  private readonly slots = new Map<string, number>();
  private readonly counts: Float64Array;

  constructor(
    metrics: Metrics,
    name: string,
    help: string,
    labelSets: ReadonlyArray<Record<string, string>>,
    /** The key of each label set (its slot), in the same order. */
    keys: readonly string[],
  ) {
    keys.forEach((key, slot) => this.slots.set(key, slot));
    const counts = (this.counts = new Float64Array(keys.length));
    metrics.sampledCounter(name, help, Object.keys(labelSets[0] ?? {}), function* () {
      for (let slot = 0; slot < counts.length; slot++) yield [labelSets[slot], counts[slot]];
    });
  }

  /** The slot of `key` (-1: none). */
  slot(key: string): number {
    return this.slots.get(key) ?? -1;
  }

  add(slot: number): void {
    this.counts[slot] += 1;
  }
}

/** A counter with one label, whose values are `values`. */
function slotCounter(metrics: Metrics, name: string, help: string, label: string, values: readonly string[]): SlotCounter {
  const labelSets = values.map((value) => ({ [label]: value }));
  return new SlotCounter(metrics, name, help, labelSets, values);
}

/** The connector's metrics on `metrics`: the meter its hot path records on, and gauges read from `gauges` at each scrape. */
export function connectorMetrics(metrics: Metrics, gauges: ConnectorGauges): ConnectorMeter {
  registerGauges(metrics, gauges);
  const inTypes = [...Object.keys(CLIENT_DATA), 'other', 'malformed'];
  const framesIn = slotCounter(metrics, 'linker_connector_frames_in_total', 'client frames read, by type', 'type', inTypes);
  const outTypes = [...SERVER_FRAME_TYPES, 'other'];
  const framesOut = slotCounter(metrics, 'linker_connector_frames_out_total', 'frames written to clients, by type', 'type', outTypes);
  const codes = Object.keys(ERROR_CODES);
  const errors = slotCounter(metrics, 'linker_connector_errors_total', 'INVALID_MESSAGE frames sent, by code', 'code', codes);
  const closes = closeCounter(metrics);
  const scopes = ['socket', 'user', 'group'];
  const limited = slotCounter(metrics, 'linker_connector_rate_limited_total', 'frames refused by a rate limit, by limit', 'scope', scopes);
  const auth = authLatency(metrics);
  const [otherIn, malformedIn, otherOut] = [framesIn.slot('other'), framesIn.slot('malformed'), framesOut.slot('other')];
  const outHeads = SERVER_FRAME_TYPES.map((type) => Buffer.from(`{"type":"${type}"`));
  return {
    frameIn: (type) => {
      const slot = typeof type === 'string' && type !== 'malformed' ? framesIn.slot(type) : -1;
      framesIn.add(slot < 0 ? otherIn : slot);
    },
    malformedIn: () => framesIn.add(malformedIn),
    frameOut: (frame) => {
      for (let slot = 0; slot < outHeads.length; slot++) {
        if (startsWith(frame, outHeads[slot])) return framesOut.add(slot);
      }
      framesOut.add(otherOut);
    },
    error: (code) => {
      const slot = errors.slot(code);
      if (slot >= 0) errors.add(slot);
    },
    closed: (by, code) => closes.add(closes.slot(`${CLOSE_KEYS.get(code) ?? 'other'} ${by}`)),
    rateLimited: (scope) => limited.add(limited.slot(scope)),
    auth,
  };
}

/** Each close code counted on its own, with its label value (made once). */
const CLOSE_KEYS = new Map(
  [...new Set([...Object.values(CLOSE_CODES).map(({ code }) => code), ...PEER_CLOSE_CODES])].map((code) => [code, String(code)]),
);

/** Closes by code (each known one, and `other`) and side. */
function closeCounter(metrics: Metrics): SlotCounter {
  const labelSets = [...CLOSE_KEYS.values(), 'other'].flatMap((code) => [
    { code, by: 'server' },
    { code, by: 'client' },
  ]);
  const keys = labelSets.map(({ code, by }) => `${code} ${by}`);
  return new SlotCounter(metrics, 'linker_connector_closes_total', 'client connections closed, by close code and side', labelSets, keys);
}

/** Login latency by outcome: once per login, not per frame, so the histogram's own children do. */
function authLatency(metrics: Metrics): ConnectorMeter['auth'] {
  const auth = metrics.histogram('linker_connector_auth_seconds', 'time from AUTH_CLIENT to its reply, by outcome', AUTH_BUCKETS, [
    'outcome',
  ]);
  const children = new Map<AuthOutcome, HistogramChild>(
    (['accepted', 'refused', 'failed'] as const).map((outcome) => [outcome, auth.labels({ outcome })]),
  );
  return (outcome, ms) => children.get(outcome)?.observe(Math.max(0, ms) / 1000);
}

function registerGauges(metrics: Metrics, gauges: ConnectorGauges): void {
  metrics.sampledGauge('linker_connector_connections', 'open client sockets, by app (`` before AUTH_CLIENT)', ['app'], (gauge) => {
    const byApp = new Map<string, number>();
    for (const { app } of gauges.sockets()) byApp.set(app, (byApp.get(app) ?? 0) + 1);
    for (const [app, count] of byApp) gauge.set({ app }, count);
  });
  metrics.sampledGauge('linker_connector_users', 'distinct authenticated users, by app', ['app'], (gauge) => {
    const byApp = new Map<string, Set<string>>();
    for (const { app, user } of gauges.sockets()) {
      if (user === undefined) continue;
      let users = byApp.get(app);
      if (users === undefined) byApp.set(app, (users = new Set()));
      users.add(user);
    }
    for (const [app, users] of byApp) gauge.set({ app }, users.size);
  });
  metrics.sampledGauge(
    'linker_connector_send_queue_bytes',
    'bytes waiting to be written to client sockets, all sockets together',
    [],
    (gauge) => {
      let bytes = 0;
      for (const { queuedBytes } of gauges.sockets()) bytes += queuedBytes;
      gauge.set(bytes);
    },
  );
}

/** Whether `frame` begins with `head`, compared byte by byte in JavaScript (a native compare costs more per call). */
function startsWith(frame: Buffer, head: Buffer): boolean {
  if (frame.length < head.length) return false;
  for (let i = head.length - 1; i >= 0; i--) if (frame[i] !== head[i]) return false;
  return true;
}
