import { defineConfig } from '@linker/config';
import { silentLogger } from '@linker/observability';
import { securedTestServices, TestPki, uniqueName } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import { busSecurityOf, busSecuritySettings } from '../../src/bus-security.settings';
import { NatsBus } from '../../src/nats/nats-bus';

/** The secured NATS (TLS with the test CA, a user and password), reached through the settings an app reads. */
const secured = securedTestServices();
const connect = (env: Record<string, string | undefined> = {}): Promise<NatsBus> => {
  const security = busSecurityOf(defineConfig(busSecuritySettings).load({ ...secured.env, ...env })).nats;
  return NatsBus.connect({ servers: secured.natsUrl, name: uniqueName('secured'), logger: silentLogger, security });
};

busContract('NatsBus over TLS with a user', { lane: 'FAST', newBus: () => connect(), waitMs: 10_000 });

describe('NatsBus against a secured server', () => {
  const pki = new TestPki();
  afterAll(() => pki.cleanUp());

  it('is refused at once, not retried, with a wrong password: BUS_REFUSED naming the authorization', async () => {
    const started = Date.now();
    await expect(connect({ LINKER_NATS_PASSWORD: 'not-the-password' })).rejects.toMatchObject({
      code: 'BUS_REFUSED',
      retriable: false,
      message: expect.stringMatching(/authorization/i),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('is refused without credentials', async () => {
    await expect(connect({ LINKER_NATS_USER: undefined, LINKER_NATS_PASSWORD: undefined })).rejects.toMatchObject({
      code: 'BUS_REFUSED',
      retriable: false,
    });
  }, 30_000);

  it('is refused, not retried, when it does not trust the CA that signed the server certificate: BUS_REFUSED naming the certificate', async () => {
    const started = Date.now();
    await expect(connect({ LINKER_NATS_TLS_CA_FILE: pki.ca('another-ca').certFile })).rejects.toMatchObject({
      code: 'BUS_REFUSED',
      retriable: false,
      message: expect.stringMatching(/certificate/i),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
