import { busSettings } from '@linker/bus';
import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { startupSettings, tlsSettings } from '@linker/lifecycle';
import { loggingSettings } from '@linker/observability';
import { presenceSettings } from '@linker/presence';
import { jwksSettings, topologySourceSettings } from '@linker/topology';
import { connectorAnalyticsSettings } from './analytics.config';
import { compatSettings } from './compat.config';

/**
 * What the connector itself does: its identity, its client WebSocket and the limits of docs/protocol.md, Limits. Every setting has a
 * default, so the embedded mode can build a `Connector` without any environment (see `connectorSettings`).
 */
const identitySettings = {
  domain: setting({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'The domain this process serves.' }),
  name: setting({
    env: 'LINKER_CONNECTOR_NAME',
    kind: 'string',
    default: 'connector-01',
    doc: 'This connector: unique in its domain; its lane topic and presence lease carry this name.',
  }),
  wsHost: setting({
    env: 'LINKER_WS_HOST',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the client WebSocket listens on (`0.0.0.0` for every interface).',
  }),
  wsPort: setting({
    env: 'LINKER_WS_PORT',
    kind: 'port',
    default: 8089,
    doc: 'Client WebSocket port (path `/ws`; `GET /health`, `/health/live`, `/health/ready`, `/metrics` and the server API, `/api/v1/…`, on the same port); 0 = any free port.',
  }),
};

/** How the client port behaves: origins, limits, deadlines. The embedded mode reads these from the environment too. */
const clientPortSettings = {
  allowedOrigins: setting({
    env: 'LINKER_ALLOWED_ORIGINS',
    kind: 'list',
    optional: true,
    doc: 'Browser origins allowed to connect (comma-separated, e.g. `https://chat.example.com`); another Origin gets HTTP 403 at the upgrade. Unset = every origin (warned at start-up). A request without an Origin header (not a browser) is accepted.',
  }),
  maxFrameBytes: setting({
    env: 'LINKER_MAX_FRAME_BYTES',
    kind: 'integer',
    default: 65_536,
    min: 1_024,
    max: 16_777_216,
    doc: 'Largest client frame in bytes; a bigger frame closes the socket with 1009.',
  }),
  maxConnections: setting({
    env: 'LINKER_MAX_CONNECTIONS',
    kind: 'integer',
    default: 15_000,
    min: 1,
    doc: 'Most client WebSockets this connector holds; one more is refused with HTTP 503 at the upgrade. Keep it below the open-file limit of the process (`ulimit -n`), with room for the connections the connector itself needs.',
  }),
  maxHandshakes: setting({
    env: 'LINKER_MAX_HANDSHAKES',
    kind: 'integer',
    default: 1_000,
    min: 1,
    doc: 'Most TCP connections besides `LINKER_MAX_CONNECTIONS` (handshakes in progress, `GET /health`, server API requests): a connection accepted beyond both is closed at once, so a flood of connections that never upgrade cannot use up the open-file limit.',
  }),
  handshakeTimeoutMs: setting({
    env: 'LINKER_HANDSHAKE_TIMEOUT_MS',
    kind: 'integer',
    default: 5_000,
    min: 100,
    doc: 'A connection that has not sent a complete HTTP request (the WebSocket upgrade, or a server API request with its body) this many ms after it opened gets HTTP 408 and is closed.',
  }),
  maxUnauthenticatedPerAddress: setting({
    env: 'LINKER_MAX_UNAUTHENTICATED_PER_ADDRESS',
    kind: 'integer',
    default: 100,
    min: 1,
    doc: "Most sockets from one IP address that are not authenticated yet; one more is refused with HTTP 503 at the upgrade. Behind a proxy every client has the proxy's address: raise it there.",
  }),
  authTimeoutMs: setting({
    env: 'LINKER_AUTH_TIMEOUT_MS',
    kind: 'integer',
    default: 15_000,
    min: 1,
    doc: 'A socket not authenticated this many ms after it connected is closed with 4002.',
  }),
  tokenExpiryNoticeMs: setting({
    env: 'LINKER_TOKEN_EXPIRY_NOTICE_MS',
    kind: 'integer',
    default: 60_000,
    min: 0,
    max: 86_400_000,
    doc: "How long before a JWT login's token expires (its `exp`) the socket is told (`TOKEN_EXPIRING`), so the client can send a fresh one (`REFRESH_TOKEN`); a socket with no fresh token by `exp` is closed with 4010.",
  }),
  pingIntervalMs: setting({
    env: 'LINKER_PING_INTERVAL_MS',
    kind: 'integer',
    default: 25_000,
    min: 1,
    doc: 'Interval of the server WebSocket pings.',
  }),
  maxMissedPongs: setting({
    env: 'LINKER_MAX_MISSED_PONGS',
    kind: 'integer',
    default: 2,
    min: 1,
    doc: 'A socket that answered none of this many pings in a row is dropped.',
  }),
  closeTimeoutMs: setting({
    env: 'LINKER_CLOSE_TIMEOUT_MS',
    kind: 'integer',
    default: 3_000,
    min: 1,
    doc: "How long a server-initiated close waits for the client's close frame before dropping the connection.",
  }),
  ackWaitMs: setting({
    env: 'LINKER_ACK_WAIT_MS',
    kind: 'integer',
    default: 20,
    min: 0,
    max: 1_000,
    doc: 'Ack mode: how long a batch of deliveries waits for the acknowledgements of its messages before it parks the rest in the mailbox (a store, then a removal, each); the messages are written at once, only the batch commit waits. 0: park whatever is unacknowledged after one event-loop turn.',
  }),
  maxChannelsPerSocket: setting({
    env: 'LINKER_MAX_CHANNELS_PER_SOCKET',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 100_000,
    doc: 'Most channels one socket may be subscribed to at once; one more SUBSCRIBE is refused with TOO_MANY_CHANNELS.',
  }),
  maxConnectionLifetimeMs: setting({
    env: 'LINKER_MAX_CONNECTION_LIFETIME_MS',
    kind: 'integer',
    optional: true,
    min: 1_000,
    doc: 'How long an authenticated socket may live, plus a random share of LINKER_LIFETIME_DITHER_MS; then it is closed with 4009 RECONNECT (the SDK reconnects at once, nothing is lost), so reconnects after a deploy spread out instead of arriving at once. Unset: no limit.',
  }),
  lifetimeDitherMs: setting({
    env: 'LINKER_LIFETIME_DITHER_MS',
    kind: 'integer',
    default: 60_000,
    min: 0,
    doc: 'With LINKER_MAX_CONNECTION_LIFETIME_MS: each socket lives that long plus a random time up to this many ms.',
  }),
  sendQueueFrames: setting({
    env: 'LINKER_SEND_QUEUE_FRAMES',
    kind: 'integer',
    default: 1_000,
    min: 1,
    doc: 'Most frames waiting for one slow socket; one more closes it with 4005 (its RELIABLE messages are reported undelivered).',
  }),
  sendQueueBytes: setting({
    env: 'LINKER_SEND_QUEUE_BYTES',
    kind: 'integer',
    default: 4_194_304,
    min: 65_536,
    doc: 'Most bytes waiting for one slow socket (frames not yet taken by the kernel); more closes it with 4005.',
  }),
  maxUnacked: setting({
    env: 'LINKER_MAX_UNACKED',
    kind: 'integer',
    default: 1_000,
    min: 1,
    doc: 'Ack mode: most messages one socket may hold unacknowledged; one more closes it with 4005.',
  }),
  rateLimit: setting({
    env: 'LINKER_RATE_LIMIT',
    kind: 'integer',
    default: 50,
    min: 1,
    doc: 'Frames per second a socket may send (token bucket); a frame over it gets RATE_LIMITED and is dropped. Frames the connector read late because its event loop was busy are not held against the client (ADR 0014).',
  }),
  rateBurst: setting({ env: 'LINKER_RATE_BURST', kind: 'integer', default: 100, min: 1, doc: 'Burst of the per-socket token bucket.' }),
  rateAbuseFactor: setting({
    env: 'LINKER_RATE_ABUSE_FACTOR',
    kind: 'integer',
    default: 3,
    min: 1,
    doc: 'A socket that keeps sending at more than this many times the rate limit is closed with 4004: more than (factor − 1) × `LINKER_RATE_LIMIT` × `LINKER_RATE_ABUSE_WINDOW_MS` of its frames refused with RATE_LIMITED within one window (with 1, its first refused frame closes it).',
  }),
  rateAbuseWindowMs: setting({
    env: 'LINKER_RATE_ABUSE_WINDOW_MS',
    kind: 'integer',
    default: 5_000,
    min: 100,
    doc: 'Window over which persistent rate abuse is measured.',
  }),
  userRateLimit: setting({
    env: 'LINKER_USER_RATE_LIMIT',
    kind: 'integer',
    default: 100,
    min: 1,
    doc: "Frames for the lanes (MESSAGE, GROUP_MESSAGE, FETCH_MISSING_MESSAGES_REQUEST, CLOSE_CONNECTION) one user may send per second through this connector, all its sockets together (token bucket; it outlives the user's sockets, so opening new ones gives no new burst). A frame over it gets RATE_LIMITED and counts toward its socket's rate abuse (4004).",
  }),
  userRateBurst: setting({
    env: 'LINKER_USER_RATE_BURST',
    kind: 'integer',
    default: 200,
    min: 1,
    doc: 'Burst of the per-user token bucket.',
  }),
  groupRecipientsPerToken: setting({
    env: 'LINKER_GROUP_RECIPIENTS_PER_TOKEN',
    kind: 'integer',
    default: 100,
    min: 1,
    doc: "A GROUP_MESSAGE takes one token of its socket's and its user's rate limits per this many distinct recipients, started (at least one): with the defaults a socket fans out to at most 5,000 recipients a second, a user to 10,000.",
  }),
  maxPendingPublishes: setting({
    env: 'LINKER_MAX_PENDING_PUBLISHES',
    kind: 'integer',
    default: 10_000,
    min: 1,
    doc: "Most client frames waiting for one lane to accept them (Kafka's acknowledgement, NATS's client): at this many the connector is overloaded, and frames for that lane get OVERLOADED (nothing sent, `retryAfterMs` 1000) until half of them are accepted.",
  }),
  maxInvalidFrames: setting({
    env: 'LINKER_MAX_INVALID_FRAMES',
    kind: 'integer',
    default: 10,
    min: 1,
    doc: 'This many invalid frames in a row (malformed, unknown type, invalid field, too large) close the socket with 4007.',
  }),
  maxGroupRecipients: setting({
    env: 'LINKER_MAX_GROUP_RECIPIENTS',
    kind: 'integer',
    default: 1_000,
    min: 1,
    doc: 'Most distinct recipients of one GROUP_MESSAGE; more is refused with TOO_LARGE and nothing is sent.',
  }),
  apiMaxBodyBytes: setting({
    env: 'LINKER_API_MAX_BODY_BYTES',
    kind: 'integer',
    default: 262_144,
    min: 1_024,
    max: 16_777_216,
    doc: 'Server API (`/api/v1/…`): largest request body in bytes; a larger one gets 413 TOO_LARGE (by its Content-Length, before it is read; a body without one is read no further than this) and the connection is closed.',
  }),
  apiRateLimit: setting({
    env: 'LINKER_API_RATE_LIMIT',
    kind: 'integer',
    default: 100,
    min: 1,
    doc: "Server API: requests per second one app's key may make on this connector (token bucket; a message pays one token per `LINKER_GROUP_RECIPIENTS_PER_TOKEN` recipients, started). Over it: 429 RATE_LIMITED with `Retry-After`, nothing done.",
  }),
  apiRateBurst: setting({
    env: 'LINKER_API_RATE_BURST',
    kind: 'integer',
    default: 200,
    min: 1,
    doc: 'Server API: burst of the per-key token bucket; it must hold a message to `LINKER_MAX_GROUP_RECIPIENTS` recipients.',
  }),
  dedupWindowMs: setting({
    env: 'LINKER_DEDUP_WINDOW_MS',
    kind: 'integer',
    default: 600_000,
    min: 1,
    doc: 'A message id written to a socket is not written to it again within this window.',
  }),
  dedupMaxIds: setting({
    env: 'LINKER_DEDUP_MAX_IDS',
    kind: 'integer',
    default: 10_000,
    min: 1,
    doc: 'Most message ids remembered per socket for de-duplication (the oldest are forgotten first).',
  }),
  presenceHeartbeatMs: setting({
    env: 'LINKER_PRESENCE_HEARTBEAT_MS',
    kind: 'integer',
    default: 5_000,
    min: 1,
    doc: "Interval at which the connector renews its presence lease. Also how long, at most, its users may stay unreachable live after Redis comes back empty (restarted without persistence), plus the Redis client's reconnect delay: the next renewal finds the lease gone and registers every socket again.",
  }),
  presenceTtlMs: setting({
    env: 'LINKER_PRESENCE_TTL_MS',
    kind: 'integer',
    default: 15_000,
    min: 1,
    doc: 'Presence lease: if the connector stops renewing it, its users count as offline this long after the last renewal. Must exceed the heartbeat interval.',
  }),
  ...tlsSettings,
  ...compatSettings,
  ...connectorAnalyticsSettings,
  ...jwksSettings,
};

const edgeSettings = { ...identitySettings, ...clientPortSettings };

/** The connector's settings (real mode). This folder is the connector's only reader of `process.env`. */
export const connectorConfig = defineConfig({
  ...edgeSettings,
  ...busSettings,
  ...presenceSettings,
  ...topologySourceSettings,
  ...loggingSettings,
  ...startupSettings,
});

export type ConnectorConfig = ConfigOf<typeof connectorConfig.settings>;

/** What a `Connector` reads: every setting except how to reach the services (the caller hands it lanes and presence). */
export type ConnectorSettings = Pick<ConnectorConfig, keyof typeof edgeSettings | 'partitions' | 'channelInterestMs'>;

const settingsOnly = defineConfig({
  ...edgeSettings,
  partitions: busSettings.partitions,
  channelInterestMs: presenceSettings.channelInterestMs,
});

/**
 * The client port's settings the embedded mode reads from its environment (every connector setting but its identity
 * and address, which are flags there): one process of `npm start` honours `LINKER_ALLOWED_ORIGINS` and the limits as a
 * connector does.
 */
export const clientPortConfig = defineConfig(clientPortSettings);

export type ClientPortSettings = ConfigOf<typeof clientPortSettings>;

/** The documented defaults with `overrides` applied: how the embedded mode and tests make a `ConnectorSettings`. */
export function connectorSettings(overrides: Partial<ConnectorSettings> = {}): ConnectorSettings {
  return Object.freeze({ ...settingsOnly.load({}), ...overrides });
}
