import { CLIENT_DATA, CLOSE_CODES, ERROR_CODES, type ErrorCode } from '@linker/contracts';
import type { CounterChild, HistogramChild, Metrics } from '@linker/observability';

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

/** The connector's metrics on `metrics`: the meter its hot path records on, and gauges read from `gauges` at each scrape. */
export function connectorMetrics(metrics: Metrics, gauges: ConnectorGauges): ConnectorMeter {
  registerGauges(metrics, gauges);
  const framesIn = metrics.counter('linker_connector_frames_in_total', 'client frames read, by type', ['type']);
  const framesOut = metrics.counter('linker_connector_frames_out_total', 'frames written to clients, by type', ['type']);
  const errors = metrics.counter('linker_connector_errors_total', 'INVALID_MESSAGE frames sent, by code', ['code']);
  const closes = metrics.counter('linker_connector_closes_total', 'client connections closed, by close code and side', ['code', 'by']);
  const limited = metrics.counter('linker_connector_rate_limited_total', 'frames refused by a rate limit, by limit', ['scope']);
  const auth = metrics.histogram('linker_connector_auth_seconds', 'time from AUTH_CLIENT to its reply, by outcome', AUTH_BUCKETS, [
    'outcome',
  ]);
  const inChildren = bind(framesIn, 'type', [...Object.keys(CLIENT_DATA), 'other', 'malformed']);
  const malformedIn = inChildren.get('malformed') as CounterChild;
  inChildren.delete('malformed');
  const outChildren = bind(framesOut, 'type', [...SERVER_FRAME_TYPES, 'other']);
  const outHeads = SERVER_FRAME_TYPES.map((type) => ({
    head: Buffer.from(`{"type":"${type}"`),
    child: outChildren.get(type) as CounterChild,
  }));
  const errorChildren = bind(errors, 'code', Object.keys(ERROR_CODES));
  const closeChildren = closeCounters(closes);
  const limitChildren = bind(limited, 'scope', ['socket', 'user', 'group']);
  const authChildren = new Map<AuthOutcome, HistogramChild>(
    (['accepted', 'refused', 'failed'] as const).map((outcome) => [outcome, auth.labels({ outcome })]),
  );
  const otherIn = inChildren.get('other') as CounterChild;
  const otherOut = outChildren.get('other') as CounterChild;
  return {
    frameIn: (type) => (typeof type === 'string' ? (inChildren.get(type) ?? otherIn) : otherIn).inc(),
    malformedIn: () => malformedIn.inc(),
    frameOut: (frame) => {
      for (const { head, child } of outHeads) {
        if (startsWith(frame, head)) return child.inc();
      }
      otherOut.inc();
    },
    error: (code) => errorChildren.get(code)?.inc(),
    closed: (by, code) => (closeChildren.get(code) ?? closeChildren.get(0))?.[by].inc(),
    rateLimited: (scope) => limitChildren.get(scope)?.inc(),
    auth: (outcome, ms) => authChildren.get(outcome)?.observe(Math.max(0, ms) / 1000),
  };
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

/** One child per value, bound once. */
function bind(counter: LabelledCounter, label: string, values: readonly string[]): Map<string, CounterChild> {
  return new Map(values.map((value) => [value, counter.labels({ [label]: value })]));
}

interface LabelledCounter {
  labels(labels: Record<string, string>): CounterChild;
}

/** Per close code (0: any other, labelled `other`), the server's and the client's child. */
function closeCounters(closes: LabelledCounter): Map<number, Record<'server' | 'client', CounterChild>> {
  const codes = [...new Set([...Object.values(CLOSE_CODES).map(({ code }) => code), ...PEER_CLOSE_CODES])];
  const children = new Map<number, Record<'server' | 'client', CounterChild>>();
  for (const code of [...codes, 0]) {
    const label = code === 0 ? 'other' : String(code);
    children.set(code, { server: closes.labels({ code: label, by: 'server' }), client: closes.labels({ code: label, by: 'client' }) });
  }
  return children;
}

function startsWith(frame: Buffer, head: Buffer): boolean {
  return frame.length >= head.length && frame.compare(head, 0, head.length, 0, head.length) === 0;
}
