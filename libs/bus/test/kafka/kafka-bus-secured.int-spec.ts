import { defineConfig } from '@linker/config';
import { silentLogger } from '@linker/observability';
import { securedTestServices, TestPki, uniqueName } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import { busSecurityOf, busSecuritySettings, type KafkaSecurity } from '../../src/bus-security.settings';
import { KafkaBus } from '../../src/kafka/kafka-bus';
import { startDoomedKafkaConsumer } from './testing/doomed-process';

/** The secured Kafka (SASL_SSL, SCRAM-SHA-512, the test CA), reached through the settings an app reads. */
const secured = securedTestServices();
const brokers = secured.kafkaBrokers;
const security = busSecurityOf(defineConfig(busSecuritySettings).load(secured.env)).kafka;
const connect = (with_: KafkaSecurity = security): Promise<KafkaBus> =>
  KafkaBus.connect({ brokers, clientId: uniqueName('secured'), logger: silentLogger, security: with_ });

busContract('KafkaBus over SASL_SSL (SCRAM-SHA-512)', {
  lane: 'RELIABLE',
  newBus: () => connect(),
  startDoomedConsumer: (topic, group, stopAfter) =>
    startDoomedKafkaConsumer({ brokers, topic, group, stopAfter, securityEnv: secured.env }),
  waitMs: 30_000,
  testTimeoutMs: 90_000,
});

describe('KafkaBus against a secured broker', () => {
  const pki = new TestPki();
  afterAll(() => pki.cleanUp());

  it('is refused at once, not retried, with a wrong password: BUS_REFUSED naming the authentication', async () => {
    const started = Date.now();
    const sasl = { ...security.sasl!, password: 'not-the-password' };
    await expect(connect({ ...security, sasl })).rejects.toMatchObject({
      code: 'BUS_REFUSED',
      retriable: false,
      message: expect.stringMatching(/SASL SCRAM SHA512 authentication failed/i),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('is refused, not retried, when it does not trust the CA that signed the broker certificate: BUS_REFUSED naming the certificate', async () => {
    const other = pki.ca('another-ca');
    const untrusting = busSecurityOf(
      defineConfig(busSecuritySettings).load({ ...secured.env, LINKER_KAFKA_TLS_CA_FILE: other.certFile }),
    ).kafka;
    const started = Date.now();
    await expect(connect(untrusting)).rejects.toMatchObject({
      code: 'BUS_REFUSED',
      retriable: false,
      message: expect.stringMatching(/certificate/i),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);
});
