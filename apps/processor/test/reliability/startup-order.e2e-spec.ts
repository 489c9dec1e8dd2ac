import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import {
  batteryTopology,
  connectorReady,
  freePort,
  launchMetaServer,
  PrivateServices,
  processorReady,
  servicesEnv,
  startApp,
  stopWithin,
  STOP_TIMEOUT_MS,
  uniqueName,
  waitFor,
  type AppProcess,
} from '@linker/testing';
import { stringify } from 'yaml';

// Start-up in any order: a processor and a connector started before the meta-server and before Kafka answer wait for
// them (saying so), and serve once they are there, instead of failing.

jest.setTimeout(180_000);

describe('fault battery: start-up in any order', () => {
  let services: PrivateServices | undefined;
  let directory: string | undefined;
  const apps: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => stopWithin(app, STOP_TIMEOUT_MS)));
    await services?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('a processor and a connector started first wait for the meta-server, then for Kafka, and then serve', async () => {
    services = await PrivateServices.start();
    await services.kafka.kill(); // Kafka is not up yet either
    directory = await mkdtemp(join(tmpdir(), 'linker-startup-'));
    const domain = uniqueName('startup-order');
    const topologyFile = join(directory, 'topology.yaml');
    await writeFile(topologyFile, stringify(batteryTopology(domain)));
    const metaPort = await freePort();
    const metaServerUrl = `http://127.0.0.1:${metaPort}`;
    const common = { ...servicesEnv(services.services, domain), LINKER_META_SERVER_URL: metaServerUrl };
    const processor = startApp('processor', {
      ...common,
      LINKER_PROCESSOR_NAME: 'processor-01',
      LINKER_MONGODB_URL: services.services.mongodbUrl,
    });
    const connector = startApp('connector', { ...common, LINKER_CONNECTOR_NAME: 'connector-01', LINKER_WS_PORT: '0' });
    apps.push(processor, connector);
    const said = (app: AppProcess, what: string): boolean => app.output().includes(`"msg":"waiting for ${what}"`);

    await waitFor(
      'both to say they wait for the meta-server',
      () => said(processor, 'the meta-server') && said(connector, 'the meta-server'),
      { timeoutMs: 30_000 },
    );
    apps.push((await launchMetaServer(topologyFile, 'no-internal-token-here-0123456789', undefined, metaPort)).metaServer);
    await waitFor('both to say they wait for Kafka', () => said(processor, 'Kafka and NATS') && said(connector, 'Kafka and NATS'), {
      timeoutMs: 60_000,
    });
    expect([processor, connector].every((app) => app.child.exitCode === null)).toBe(true);
    await services.kafka.start();
    await processorReady(processor);
    const url = await connectorReady(connector);

    const [sender, recipient] = ['ANZ-1', 'ANZ-2'].map(
      (userId) => new LinkerClient({ url, appId: 'app-id-343', userId, webSocket: NodeWebSocket, reconnect: false }),
    );
    try {
      await Promise.all([sender.connect(), recipient.connect()]);
      const received: string[] = [];
      recipient.on('message', ({ content }) => received.push(content));
      sender.send('ANZ-2', 'after an out-of-order start');
      await waitFor('the message to arrive', () => received.length > 0, { timeoutMs: 30_000 });
      expect(received).toEqual(['after an out-of-order start']);
    } finally {
      await Promise.all([sender.close(), recipient.close()]);
    }
  });
});
