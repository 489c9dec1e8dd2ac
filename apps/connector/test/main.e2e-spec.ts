import { CLOSE_CODES } from '@linker/contracts';
import { securedTestServices, startApp, testServices, uniqueName } from '@linker/testing';
import { TestClient } from './socket/testing/test-client';

// The built connector as a real process on the real services: it starts, serves WebSocket clients, and on SIGTERM
// closes them with 1001 and exits 0 after draining.
describe('connector process', () => {
  it('starts on the real services, serves /ws, and exits 0 after draining on SIGTERM', async () => {
    const services = testServices();
    const env = {
      LINKER_DOMAIN: uniqueName('domain'),
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: services.natsUrl,
      LINKER_REDIS_URL: services.redisUrl,
    };
    const connector = startApp('connector', { ...env, LINKER_WS_PORT: '0' });
    await connector.waitForOutput(/"msg":"connector ready"/);
    const port = Number(
      /"msg":"connector ready".*?"port":(\d+)|"port":(\d+).*?"msg":"connector ready"/.exec(connector.output())?.slice(1).find(Boolean),
    );
    expect(port).toBeGreaterThan(0);

    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    client.send({ type: 'PING', data: {} });
    expect(await client.next('AUTH_REQUIRED')).toEqual({ type: 'AUTH_REQUIRED', data: {} });
    // The container's health check (the Docker image's HEALTHCHECK): the same configuration, asking GET /health/ready.
    const healthy = startApp('connector', { ...env, LINKER_WS_HOST: '0.0.0.0', LINKER_WS_PORT: String(port) }, ['--health']);
    expect(await healthy.exited).toBe(0);
    expect(healthy.output()).toContain(`http://127.0.0.1:${port}/health/ready: 200 {"ready":true`);

    expect(await connector.stop('SIGTERM')).toBe(0);
    expect(await client.closed()).toEqual({ code: 1001, reason: CLOSE_CODES.GOING_AWAY.reason });
    expect(connector.output()).toContain('"msg":"connector drained"');
    expect(connector.output()).toContain('"msg":"connections to the services closed"');
    expect(connector.output()).toContain('connector: stopped');
    const stopped = startApp('connector', { ...env, LINKER_WS_PORT: String(port) }, ['--health']);
    expect(await stopped.exited).toBe(1);
  });

  it('starts on the secured services (Kafka over SASL_SSL, NATS and Redis with TLS and users) and never logs their password', async () => {
    const secured = securedTestServices();
    const { LINKER_MONGODB_URL: _mongodb, ...env } = secured.env;
    const connector = startApp('connector', {
      ...env,
      LINKER_DOMAIN: uniqueName('domain'),
      LINKER_WS_PORT: '0',
      LINKER_LOG_LEVEL: 'debug',
    });
    await connector.waitForOutput(/"msg":"connector ready"/);
    expect(await connector.stop('SIGTERM')).toBe(0);
    expect(connector.output()).toContain('"msg":"connections to the services closed"');
    expect(connector.output()).not.toContain(secured.password);
  });
});
