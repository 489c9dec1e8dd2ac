import { NatsBus, type BusRecord } from '@linker/bus';
import { silentLogger } from '@linker/observability';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { PrivateNats } from './private-nats';
import { stopAndFindLeftovers } from './private-service';

/** A private nats-server through the FAST lane's own adapter. */
describe('PrivateNats', () => {
  let nats: PrivateNats;
  const buses: NatsBus[] = [];
  const connect = async (): Promise<NatsBus> => {
    const bus = await NatsBus.connect({ servers: nats.url, name: uniqueName('private-nats'), logger: silentLogger });
    buses.push(bus);
    return bus;
  };
  const record = (value: string) => ({ key: 'k', value: Buffer.from(value) });

  beforeAll(async () => {
    nats = await PrivateNats.start();
  });

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await nats?.stop();
  });

  it('carries records again after a kill -9 and a start; a subscribe fails, retriably, while it is down', async () => {
    const [publisher, subscriber] = [await connect(), await connect()];
    const topic = uniqueName('fast');
    const seen: string[] = [];
    await subscriber.subscribe({
      topic,
      group: 'g',
      handler: async (records) => void seen.push(...records.map((r) => r.value.toString())),
    });
    await publisher.publish(topic, [record('before')]);
    await waitFor('the record published before the kill', () => seen.includes('before'), { timeoutMs: 10_000 });

    await nats.kill();
    const second: string[] = [];
    const handler = async (records: readonly BusRecord[]): Promise<void> => void second.push(...records.map((r) => r.value.toString()));
    const subscribe = () => subscriber.subscribe({ topic, group: 'other', handler });
    // A subscription is registered only by a server: the client's next attempt to reach it fails the subscribe.
    await expect(subscribe()).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });

    await nats.start();
    expect(nats.lastStartMs).toBeGreaterThan(0);
    // The client reconnects by itself (every 250 ms); until it has, a subscribe still fails, retriably.
    await waitFor('a subscribe to succeed after the restart', () => subscribe().then(() => true), { timeoutMs: 20_000, intervalMs: 100 });
    // Both subscriptions (the one from before the kill too) get what is published now. A record published before the
    // server had them both is lost (at most once): publish until both have seen one.
    await waitFor(
      'a record published after the restart to reach both subscriptions',
      async () => {
        await publisher.publish(topic, [record('after')]);
        return seen.includes('after') && second.includes('after');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  it('stop leaves no process and no directory', async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    expect(await stopAndFindLeftovers(nats)).toEqual([]);
  });
});
