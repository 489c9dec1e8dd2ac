import { domainLinkContract, linkEnvelope, Receiver, TEST_LINK_LIMITS } from '@linker/testing/contracts/domain-link.contract';
import { RecordingLogger, uniqueName, waitFor } from '@linker/testing';
import type { LinkTransport } from '../../src/link.port';
import { impostorServer } from '../testing/scripted-peers';
import { MemoryLinkNetwork } from '../../src/memory/memory-link-network';

domainLinkContract('MemoryLinkNetwork', {
  transport: () => new MemoryLinkNetwork(),
  listenEndpoint: (domain) => `memory://${domain}`,
  impostor: async (transport: LinkTransport, domain: string) => {
    const endpoint = `memory://impostor-${domain}`;
    const log = { batches: 0, frames: [] };
    const stop = (transport as MemoryLinkNetwork).serveRaw(endpoint, domain, impostorServer(domain, log));
    return { endpoint, batches: () => log.batches, close: async () => stop() };
  },
  waitMs: 2_000,
});

describe('MemoryLinkNetwork test controls', () => {
  const a = 'domain-a';
  const b = 'domain-b';
  const secretFor = (): string => 's3cret';
  let network: MemoryLinkNetwork;
  let receiver: Receiver;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(() => {
    network = new MemoryLinkNetwork();
    receiver = new Receiver();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function linked(limits = TEST_LINK_LIMITS, logger = new RecordingLogger()) {
    const listener = await network.listen({
      domain: b,
      endpoint: 'memory://b',
      acceptsPeer: () => true,
      secretFor,
      onReceive: receiver.handler,
      limits,
      logger,
    });
    const link = network.dial({ domain: a, peer: b, endpoint: listener.endpoint, secretFor, limits, logger });
    closers.push(
      () => listener.close(),
      () => link.close(),
    );
    await waitFor('the link to be up', () => link.up, { timeoutMs: 2_000 });
    return { listener, link, logger };
  }

  it('cut: the link goes down, pending sends reject LINK_DOWN, and it reconnects after backoff', async () => {
    const { link } = await linked();
    receiver.hold();
    const pending = link.send([linkEnvelope(a)]);
    await waitFor('the batch at the handler', () => receiver.batches.length === 1);
    expect(network.cut(a, b)).toBe(1);
    await expect(pending).rejects.toMatchObject({ code: 'LINK_DOWN', retriable: true });
    expect(link.up).toBe(false);
    await waitFor('the link to come back', () => link.up && link.metrics().ups === 2, { timeoutMs: 2_000 });
  });

  it('block: reconnects fail while blocked (LINK_UNREACHABLE), the link comes back after unblock', async () => {
    const { link } = await linked();
    network.block(a, b);
    await waitFor('a failed reconnect', () => link.metrics().lastFailure?.code === 'LINK_UNREACHABLE', { timeoutMs: 2_000 });
    expect(link.up).toBe(false);
    await expect(link.send([linkEnvelope(a)])).rejects.toMatchObject({ code: 'LINK_DOWN' });
    network.unblock(a, b);
    await waitFor('the link to come back', () => link.up, { timeoutMs: 2_000 });
    await link.send([linkEnvelope(a)]);
    expect(receiver.batches).toHaveLength(1);
  });

  it('cuts a flooding peer with 4429 and logs it; other links keep working', async () => {
    const limits = { ...TEST_LINK_LIMITS, maxBatchEnvelopes: 5, inboundBurst: 5, inboundEnvelopesPerSecond: 1 };
    const { link, logger, listener } = await linked(limits);
    const sends = Array.from({ length: 3 }, () => link.send([linkEnvelope(a), linkEnvelope(a)]).catch((e: unknown) => e));
    const outcomes = await Promise.all(sends);
    expect(outcomes[2]).toMatchObject({ code: 'LINK_DOWN' });
    await waitFor('the flood logged', () => logger.find('link peer cut off', { peer: a, close: 'FLOOD' }).length === 1);
    expect(link.metrics().lastFailure).toMatchObject({ closeCode: 4429 });
    expect(listener.metrics().find((m) => m.peer === a)?.cuts).toBe(1);
    const c = uniqueName('c');
    const other = network.dial({ domain: c, peer: b, endpoint: listener.endpoint, secretFor, limits });
    closers.push(() => other.close());
    await waitFor('another peer to be up', () => other.up, { timeoutMs: 2_000 });
    await other.send([linkEnvelope(c)]);
    expect(receiver.batches.at(-1)?.from).toBe(c);
  });

  it('refuses a second listener on an endpoint in use', async () => {
    await linked();
    await expect(
      network.listen({ domain: 'x', endpoint: 'memory://b', acceptsPeer: () => true, secretFor, onReceive: receiver.handler }),
    ).rejects.toMatchObject({
      code: 'LINK_ENDPOINT_IN_USE',
    });
  });
});
