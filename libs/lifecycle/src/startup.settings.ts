import { setting } from '@linker/config';

/** How long an app waits at start-up for what it needs (the services, the meta-server) before it gives up. */
export const startupSettings = {
  startupTimeoutMs: setting({
    env: 'LINKER_STARTUP_TIMEOUT_MS',
    kind: 'integer',
    default: 120000,
    min: 1000,
    max: 3600000,
    doc: 'At start-up, how long the app waits for Kafka, NATS, MongoDB and the meta-server to answer (trying again, with a `waiting for …` log line every 10 s) before it exits with STARTUP_TIMEOUT.',
  }),
};
