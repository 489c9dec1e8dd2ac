import { setting } from '@linker/config';

/**
 * The Push-compatible endpoints on the client port and the realtimer-compatible publish port (docs/protocol.md,
 * Compatible HTTP endpoints): all off by default. Read by the connector and the embedded mode.
 */
export const compatSettings = {
  push: setting({
    env: 'LINKER_PUSH',
    kind: 'string',
    optional: true,
    oneOf: ['public'],
    doc: 'Serve the Push-compatible endpoints on the client port (`POST /messages`, `GET /sse/messages`, `GET /ws/messages`) for the app `LINKER_PUSH_APP`, subscriptions to its `subscribe: public` channels only. Unset: those paths answer 404.',
  }),
  pushApp: setting({
    env: 'LINKER_PUSH_APP',
    kind: 'string',
    optional: true,
    doc: 'With `LINKER_PUSH`: the app whose channels the Push endpoints serve; the Push channel `qwerty` is the channel `<app>:qwerty`, which its channel rules must declare.',
  }),
  pushPublish: setting({
    env: 'LINKER_PUSH_PUBLISH',
    kind: 'string',
    default: 'key',
    oneOf: ['key', 'open'],
    doc: "`POST /messages` needs the app's server API key (`Authorization: Bearer <apiKey>`); `open`: no key, anyone who reaches the port may publish (trusted networks only; warned at start-up).",
  }),
  pushLane: setting({
    env: 'LINKER_PUSH_LANE',
    kind: 'string',
    default: 'FAST',
    oneOf: ['FAST', 'RELIABLE'],
    doc: 'The lane of the publications `POST /messages` makes.',
  }),
  pushHeartbeatMs: setting({
    env: 'LINKER_PUSH_HEARTBEAT_MS',
    kind: 'integer',
    default: 30_000,
    min: 100,
    doc: 'Push subscribers get a heartbeat this often (SSE `event:heartbeat`, WebSocket `{"event":"ping"}`, plus a WebSocket ping that must be answered); the first one as soon as the subscription counts. The Push service\'s `push.heartbeat.interval.duration`.',
  }),
  pushCloseGraceMs: setting({
    env: 'LINKER_PUSH_CLOSE_GRACE_MS',
    kind: 'integer',
    default: 4_000,
    min: 1,
    doc: "When the server ends a Push connection (its lifetime is over, the connector drains), it waits this long for the client to close before dropping it; a WebSocket that answered none of `LINKER_MAX_MISSED_PONGS` pings is dropped. The Push service's `push.client.close.grace.period.duration`.",
  }),
  pushLifetimeMinMs: setting({
    env: 'LINKER_PUSH_LIFETIME_MIN_MS',
    kind: 'integer',
    default: 120_000,
    min: 1_000,
    doc: "A Push connection is ended after a random lifetime between this and `LINKER_PUSH_LIFETIME_MAX_MS` (SSE: the stream ends; WebSocket: closed with 4009), so that its client reconnects, and reconnects after a deploy spread out. The Push service's `push.reconnect.dither.min.duration`.",
  }),
  pushLifetimeMaxMs: setting({
    env: 'LINKER_PUSH_LIFETIME_MAX_MS',
    kind: 'integer',
    default: 180_000,
    min: 1_000,
    doc: "Upper end of a Push connection's lifetime (at least `LINKER_PUSH_LIFETIME_MIN_MS`). The Push service's `push.reconnect.dither.max.duration`.",
  }),
  realtimerPort: setting({
    env: 'LINKER_REALTIMER_PORT',
    kind: 'port',
    optional: true,
    doc: 'Serve the realtimer-compatible `GET /<id>?data=<text>` on this port (0 = any free port, logged) for the app `LINKER_REALTIMER_APP`. Unset: off.',
  }),
  realtimerHost: setting({
    env: 'LINKER_REALTIMER_HOST',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the realtimer-compatible port listens on; anyone who reaches it may publish for the app (unless `LINKER_REALTIMER_KEY` is set), so another address than a loopback one is warned at start-up.',
  }),
  realtimerApp: setting({
    env: 'LINKER_REALTIMER_APP',
    kind: 'string',
    optional: true,
    doc: "With `LINKER_REALTIMER_PORT`: the app it publishes for. `<id>` a user id of the app: a FAST message from the app's master user to that user; any other `<id>`: a FAST publication to the channel `<app>:<id>`.",
  }),
  realtimerKey: setting({
    env: 'LINKER_REALTIMER_KEY',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'When set, a realtimer-compatible request must carry it (`Authorization: Bearer <key>` or `&key=<key>`), else 401.',
  }),
};
