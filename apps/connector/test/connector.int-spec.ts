import { connectLanes } from '@linker/bus';
import { CLOSE_CODES } from '@linker/contracts';
import { silentLogger } from '@linker/observability';
import { RedisPresence } from '@linker/presence';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { startHarness, type Harness, type HarnessInfrastructure } from './testing/harness';

/** The connector on Kafka (RELIABLE), NATS (FAST) and Redis (presence), with a fake processor on the same services. */
async function realInfrastructure(): Promise<HarnessInfrastructure> {
  const services = testServices();
  const domain = uniqueName('domain');
  const keyPrefix = `linker:${domain}`;
  const lanes = await connectLanes({
    kafkaBrokers: services.kafkaBrokers,
    natsUrl: services.natsUrl,
    clientId: domain,
    logger: silentLogger,
  });
  const connectorPresence = new RedisPresence({ url: services.redisUrl, keyPrefix });
  const processorPresence = new RedisPresence({ url: services.redisUrl, keyPrefix });
  return {
    domain,
    lanes,
    connectorPresence,
    processorPresence,
    close: async () => {
      await lanes.close();
      await Promise.all([connectorPresence.close(), processorPresence.close()]);
    },
  };
}

describe('connector on the real services', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('authenticates, publishes on both lanes, delivers, reports, and drains', async () => {
    h = await startHarness({ infrastructure: realInfrastructure });
    const sender = await h.user('ANZ-1');
    const recipient = await h.user('ANZ-2');
    expect(await h.presence.lookup('ANZ-2')).toEqual([expect.objectContaining({ socketId: recipient.socketId })]);

    sender.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'via kafka' }, reference: 'k' });
    sender.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'via nats' }, feature: 'FAST' });
    const reliable = await h.processor.next('MESSAGE', (e) => e.lane === 'RELIABLE');
    const fast = await h.processor.next('MESSAGE', (e) => e.lane === 'FAST');
    expect(reliable).toMatchObject({ from: 'ANZ-1', reference: 'k', confirm: true });
    expect(fast).toMatchObject({ from: 'ANZ-1', confirm: false });

    const message = h.processor.message('ANZ-1', 'ANZ-2', 'via kafka', { id: reliable.id, reference: 'k', confirm: true });
    await h.processor.deliver({ envelope: message, targets: [{ userId: 'ANZ-2', socketIds: [recipient.socketId as string] }] });
    expect(await recipient.next('MESSAGE')).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-1', content: 'via kafka' },
      reference: 'k',
      id: reliable.id,
    });
    await waitFor('the delivered report', () => h.processor.reports().delivered.some((d) => d.id === reliable.id));

    await h.connector.stop();
    expect(await recipient.closed()).toEqual({ code: 1001, reason: CLOSE_CODES.GOING_AWAY.reason });
    expect(await h.presence.lookup('ANZ-2')).toEqual([]);
    await waitFor('both USER_DISCONNECTED', () => h.processor.all('USER_DISCONNECTED').length === 2);
  });
});
