import { freePort, securedTestServices, startApp, testServices, TestPki, uniqueName } from '@linker/testing';

// The built processor as a real process on the real services: it starts, says so, and drains on SIGTERM.
describe('processor process', () => {
  it('starts on the real services and exits 0 after draining on SIGTERM', async () => {
    const services = testServices();
    const env = {
      LINKER_DOMAIN: uniqueName('domain'),
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: services.natsUrl,
      LINKER_REDIS_URL: services.redisUrl,
      LINKER_MONGODB_URL: services.mongodbUrl,
      LINKER_METRICS_PORT: String(await freePort()),
    };
    const processor = startApp('processor', env);
    await processor.waitForOutput(/"msg":"processor ready"/);
    // The container's health check (the Docker image's HEALTHCHECK): GET /health on the operations port.
    const healthy = startApp('processor', env, ['--health']);
    expect(await healthy.exited).toBe(0);
    expect(healthy.output()).toContain(`http://127.0.0.1:${env.LINKER_METRICS_PORT}/health/ready: 200 {"ready":true`);
    const { LINKER_METRICS_PORT: _port, ...withoutOps } = env;
    const unanswerable = startApp('processor', withoutOps, ['--health']);
    expect(await unanswerable.exited).toBe(1);
    expect(unanswerable.output()).toContain('LINKER_METRICS_PORT is unset');
    expect(await processor.stop('SIGTERM')).toBe(0);
    expect(processor.output()).toContain('"msg":"connections to the services closed"');
    expect(processor.output()).toContain('processor: stopped');
  });

  it('refuses to start with a bad configuration, listing every problem at once', async () => {
    const processor = startApp('processor', { LINKER_PARTITIONS: '0', LINKER_NATS_URL: 'not a url' });
    expect(await processor.exited).toBe(1);
    const output = processor.output();
    expect(output).toContain('processor failed to start: invalid configuration (5 problems)');
    for (const problem of [
      'LINKER_KAFKA_BROKERS is required',
      'LINKER_NATS_URL must be a URL, got "not a url"',
      'LINKER_PARTITIONS must be an integer in [1, 1024], got "0"',
      'LINKER_REDIS_URL is required',
      'LINKER_MONGODB_URL is required',
    ]) {
      expect(output).toContain(problem);
    }
  });

  it('exits 1 with a clear message when a service cannot be reached', async () => {
    const services = testServices();
    const processor = startApp('processor', {
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: 'nats://127.0.0.1:1',
      LINKER_REDIS_URL: services.redisUrl,
      LINKER_MONGODB_URL: services.mongodbUrl,
      // Not the default 2 min, which is as long as the test may take: it gave up just past it on a loaded machine.
      LINKER_STARTUP_TIMEOUT_MS: '5000',
    });
    expect(await processor.exited).toBe(1);
    expect(processor.output()).toMatch(/processor failed to start: .*NATS/i);
  });

  it('starts on the secured services (Kafka over SASL_SSL, NATS and Redis with TLS and users, MongoDB over TLS)', async () => {
    const processor = startApp('processor', { LINKER_DOMAIN: uniqueName('domain'), ...securedTestServices().env });
    await processor.waitForOutput(/"msg":"processor ready"/);
    expect(await processor.stop('SIGTERM')).toBe(0);
    expect(processor.output()).not.toContain(securedTestServices().password);
  });

  it('refuses to start, before connecting, with a security setting set without its partner', async () => {
    const services = testServices();
    const processor = startApp('processor', {
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: services.natsUrl,
      LINKER_REDIS_URL: services.redisUrl,
      LINKER_MONGODB_URL: services.mongodbUrl,
      LINKER_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      LINKER_KAFKA_SASL_USERNAME: 'linker',
      LINKER_NATS_USER: 'linker',
      LINKER_REDIS_TLS_CERT_FILE: securedTestServices().certFile,
    });
    expect(await processor.exited).toBe(1);
    const output = processor.output();
    expect(output).toContain('processor failed to start: invalid configuration');
    for (const problem of [
      'LINKER_KAFKA_SASL_MECHANISM needs LINKER_KAFKA_SASL_PASSWORD',
      'LINKER_NATS_USER needs LINKER_NATS_PASSWORD',
      'LINKER_REDIS_TLS_KEY_FILE is required with LINKER_REDIS_TLS_CERT_FILE',
    ]) {
      expect(output).toContain(problem);
    }
  });

  it('exits 1 at once, not after the start-up deadline, when Kafka refuses its password', async () => {
    const secured = securedTestServices();
    const started = Date.now();
    const processor = startApp('processor', {
      ...secured.env,
      LINKER_KAFKA_SASL_PASSWORD: 'not-the-password',
      LINKER_STARTUP_TIMEOUT_MS: '60000',
    });
    expect(await processor.exited).toBe(1);
    expect(processor.output()).toMatch(/processor failed to start: .*SASL SCRAM SHA512 authentication failed/);
    expect(processor.output()).not.toContain('not-the-password');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("exits 1 soon, not after the start-up deadline, when it does not trust the CA of Kafka's certificate", async () => {
    const pki = new TestPki();
    try {
      const started = Date.now();
      const processor = startApp('processor', {
        ...securedTestServices().env,
        LINKER_KAFKA_TLS_CA_FILE: pki.ca('another-ca').certFile,
        LINKER_STARTUP_TIMEOUT_MS: '60000',
      });
      expect(await processor.exited).toBe(1);
      expect(processor.output()).toMatch(/processor failed to start: .*TLS: .*certificate.*check the CA/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      pki.cleanUp();
    }
  });
});
