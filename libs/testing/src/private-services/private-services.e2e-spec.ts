import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { intakeTopic } from '@linker/contracts';
import type { Topology } from '@linker/topology';
import { startRealDomain, type RealDomain } from '../domains/real-domain';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { stopAndFindLeftovers } from './private-service';
import { PrivateServices } from './private-services';
import { frameReceived, kafkaMetadataRequest, mongoCommand, tcpExchange } from './wire';

/**
 * A real-mode domain (the built apps) on private instances of all four services instead of the shared ones: what a
 * test that kills a service runs on.
 */
const APP_ID = 'app-id-343';

describe('a real-mode domain on PrivateServices', () => {
  let services: PrivateServices | undefined;
  let domain: RealDomain | undefined;
  const clients: LinkerClient[] = [];

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await domain?.close();
    await services?.stop();
  });

  it('runs on the private services: messages go through them, and stop leaves no process and no directory', async () => {
    services = await PrivateServices.start();
    const name = uniqueName('private');
    const topology: Topology = {
      domains: [{ name, urls: ['ws://127.0.0.1:8089'] }],
      domainLinks: [],
      clientApps: [{ appName: 'ANZ', appId: APP_ID, masterUserId: 'ANZ-123223', authEnabled: false }],
    };
    domain = await startRealDomain({ topology, domain: name }, { services: services.services, processors: 1, connectors: 1 });

    const received: string[] = [];
    const [alice, bob] = await Promise.all(['ANZ-1', 'ANZ-2'].map((userId) => connect(domain!.connectorUrls[0], userId)));
    bob.on('message', (message) => received.push(message.content));
    const commands = await services.redis.commandsDuring(async () => {
      alice.send('ANZ-2', 'reliable');
      alice.send('ANZ-2', 'fast', { feature: 'FAST' });
      await waitFor('both messages to reach bob', () => received.includes('reliable') && received.includes('fast'), { timeoutMs: 30_000 });
    });
    expect(commands.length).toBeGreaterThan(0); // presence lookups on the private Redis

    const { kafka, ferretDb } = services;
    const topics = await tcpExchange({
      port: kafka.port,
      request: kafkaMetadataRequest(true),
      complete: (r) => frameReceived(r, false),
      timeoutMs: 10_000,
    });
    expect(topics.toString('latin1')).toContain(intakeTopic(name));
    const listDatabases = mongoCommand([
      ['listDatabases', 1],
      ['$db', 'admin'],
    ]);
    const databases = await tcpExchange({
      port: ferretDb.port,
      request: listDatabases,
      complete: (r) => frameReceived(r, true),
      timeoutMs: 10_000,
    });
    expect(databases.toString('latin1')).toContain(domain.database);

    clients.splice(0).forEach((client) => client.close());
    await domain.close();
    expect((await Promise.all(services.all.map(stopAndFindLeftovers))).flat()).toEqual([]);
  }, 180_000);

  async function connect(url: string, userId: string): Promise<LinkerClient> {
    const client = new LinkerClient({ url, appId: APP_ID, userId, token: 'token-12345', webSocket: NodeWebSocket, reconnect: false });
    clients.push(client);
    await client.connect();
    return client;
  }
});
