import { startApp, testServices, uniqueName } from '@linker/testing';

// The built connector as a real process on the real services: it starts, says so, and drains on SIGTERM.
describe('connector process', () => {
  it('starts on the real services and exits 0 after draining on SIGTERM', async () => {
    const services = testServices();
    const connector = startApp('connector', {
      LINKER_DOMAIN: uniqueName('domain'),
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: services.natsUrl,
      LINKER_REDIS_URL: services.redisUrl,
    });
    await connector.waitForOutput(/"msg":"connector ready"/);
    expect(await connector.stop('SIGTERM')).toBe(0);
    expect(connector.output()).toContain('"msg":"connections to the services closed"');
    expect(connector.output()).toContain('connector: stopped');
  });
});
