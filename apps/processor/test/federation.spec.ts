import type { MemoryLinkNetwork } from '@linker/domain-link';
import { waitFor } from '@linker/testing';
import { startRing, type RingDomain } from './testing/ring';

// docs/protocol.md, Federation, and ADR 0009: the original's four-domain ring on twins (one processor per domain, links over the memory network).
// ANZ-123456 lives in domain-01, ANZ-1123456 in domain-02, ANZ-3123456 in domain-03, ANZ-6123456 in domain-04.

describe('federation over the four-domain ring', () => {
  let network: MemoryLinkNetwork;
  let domains: Map<string, RingDomain>;
  const domain = (name: string): RingDomain => domains.get(name) as RingDomain;

  beforeEach(async () => {
    ({ network, domains } = await startRing());
  });

  afterEach(async () => {
    await Promise.all([...domains.values()].map((d) => d.stop()));
  });

  it('carries a message two hops (01 → 02 → 03) and its confirmation back, with the path it took', async () => {
    const [d1, d3] = [domain('domain-01'), domain('domain-03')];
    const senderSocket = await d1.connect('ANZ-123456');
    const recipientSocket = await d3.connect('ANZ-3123456');
    const sent = await d1.send({
      type: 'MESSAGE',
      from: 'ANZ-123456',
      data: { to: 'ANZ-3123456', content: 'hello' },
      reference: 'r-1',
      origin: senderSocket,
    });

    const delivered = await d3.next('MESSAGE');
    expect(delivered.envelope).toMatchObject({
      id: sent.id,
      from: 'ANZ-123456',
      data: { content: 'hello' },
      reference: 'r-1',
      path: ['domain-01', 'domain-02', 'domain-03'],
      hops: 2,
    });
    expect(delivered.envelope.origin).toBeUndefined();
    expect(delivered.targets).toEqual([{ userId: 'ANZ-3123456', socketIds: [recipientSocket.socketId] }]);

    await d3.reportWritten(delivered);
    const confirmation = await d1.next('MESSAGE_CONFIRMATION');
    expect(confirmation.envelope).toMatchObject({
      id: `${sent.id}.confirmation`,
      to: 'ANZ-123456',
      data: { reference: 'r-1', path: ['domain-01', 'domain-02', 'domain-03'] },
    });
    expect(confirmation.targets).toEqual([{ userId: 'ANZ-123456', socketIds: [senderSocket.socketId] }]);
  });

  it('stores a message for an offline user of the far domain in that domain, and its confirmation for an offline sender in the sender’s', async () => {
    const [d1, d3] = [domain('domain-01'), domain('domain-03')];
    const sent = await d3.send({
      type: 'MESSAGE',
      from: 'ANZ-3123456',
      data: { to: 'ANZ-123456', content: 'while you were out' },
      reference: 'r-2',
    });
    await waitFor('the message stored in domain-01', async () => (await d1.mailbox.count('ANZ-123456')) === 1);
    const [stored] = await d1.mailbox.oldest('ANZ-123456', 1);
    expect(stored).toMatchObject({ id: sent.id, from: 'ANZ-3123456', data: { content: 'while you were out' } });
    expect(await d3.mailbox.count('ANZ-123456')).toBe(0);

    // The recipient fetches it later: its delivery earns the sender (offline, in domain-03) a stored confirmation.
    const origin = await d1.connect('ANZ-123456');
    await d1.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: 'ANZ-123456', data: { count: 10 }, origin });
    const fetched = await d1.next('MESSAGE');
    expect(fetched).toMatchObject({ envelope: { id: sent.id }, fromMailbox: true });
    await d1.reportWritten(fetched);
    await waitFor('the confirmation stored for the sender in domain-03', async () => (await d3.mailbox.count('ANZ-3123456')) === 1);
    expect(await d3.mailbox.oldest('ANZ-3123456', 1)).toMatchObject([
      { id: `${sent.id}.confirmation`, type: 'MESSAGE_CONFIRMATION', data: { reference: 'r-2' } },
    ]);
  });

  it('takes the other way round (01 → 04 → 03) within 2 s once the link 01-02 is cut, and back once it returns', async () => {
    const [d1, d3] = [domain('domain-01'), domain('domain-03')];
    await d3.connect('ANZ-3123456');
    await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'before' } });
    expect((await d3.next('MESSAGE', 1)).envelope.path).toEqual(['domain-01', 'domain-02', 'domain-03']);

    network.block('domain-01', 'domain-02');
    const cutAt = Date.now();
    await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'during' } });
    const during = await d3.next('MESSAGE', 2);
    expect(Date.now() - cutAt).toBeLessThan(2_000);
    expect(during.envelope).toMatchObject({ data: { content: 'during' }, path: ['domain-01', 'domain-04', 'domain-03'] });

    network.unblock('domain-01', 'domain-02');
    await waitFor(
      'traffic back on the shortest path',
      async () => {
        await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'after' } });
        const last = d3.received.filter((d) => d.envelope.type === 'MESSAGE').at(-1);
        return last?.envelope.path[1] === 'domain-02';
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  });

  it('loses and duplicates nothing of a steady stream while the link 01-02 is cut under it', async () => {
    const [d1, d3] = [domain('domain-01'), domain('domain-03')];
    await d3.connect('ANZ-3123456');
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 100) network.block('domain-01', 'domain-02');
      sent.push((await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: `seq:${i}` } })).id);
    }
    await waitFor('all 200 delivered in domain-03', () => new Set(d3.received.map((d) => d.envelope.id)).size === 200, {
      timeoutMs: 10_000,
    });
    const ids = d3.received.filter((d) => d.envelope.type === 'MESSAGE').map((d) => d.envelope.id);
    expect(new Set(ids)).toEqual(new Set(sent));
    expect(ids).toHaveLength(200);
    expect(d3.received.some((d) => d.envelope.path[1] === 'domain-04')).toBe(true);
  });

  it('keeps an envelope in custody where it has no way on but back, until its link returns (01-04 cut, 02 → 04)', async () => {
    const [d1, d2, d4] = [domain('domain-01'), domain('domain-02'), domain('domain-04')];
    network.block('domain-01', 'domain-04');
    network.block('domain-04', 'domain-01');
    await d4.connect('ANZ-6123456');
    // domain-02 sees its own links up and sends via domain-01 (the smaller of two equal paths). domain-01 has no way
    // on that avoids domain-02 (which would drop the id as a repeat), so it holds the message for the link to 04.
    const sent = await d2.send({ type: 'MESSAGE', from: 'ANZ-1123456', data: { to: 'ANZ-6123456', content: 'held' } });
    await waitFor(
      'the message in domain-01 custody for domain-04',
      () => d1.broker.retainedRecords('linker.domain-01.link.domain-04') === 1,
    );
    network.unblock('domain-01', 'domain-04');
    network.unblock('domain-04', 'domain-01');
    const delivered = await d4.next('MESSAGE');
    expect(delivered.envelope).toMatchObject({ id: sent.id, path: ['domain-02', 'domain-01', 'domain-04'] });
  });

  it('sends a group to users of all four domains as one envelope per next hop, and each user gets it once, under its id', async () => {
    const d = ['domain-01', 'domain-02', 'domain-03', 'domain-04'].map(domain);
    const users = ['ANZ-123457', 'ANZ-1123456', 'ANZ-3123456', 'ANZ-6123456'];
    const sockets = await Promise.all(users.map((user, i) => d[i].connect(user)));
    const origin = await d[0].connect('ANZ-123456');
    const sent = await d[0].send({
      type: 'GROUP_MESSAGE',
      from: 'ANZ-123456',
      data: { to: users, content: 'to all' },
      reference: 'g',
      origin,
    });

    for (const [i, user] of users.entries()) {
      const delivered = await d[i].next('MESSAGE');
      expect(delivered.envelope).toMatchObject({ id: sent.id, from: 'ANZ-123456', data: { content: 'to all' }, reference: 'g' });
      expect(delivered.targets).toEqual([{ userId: user, socketIds: [sockets[i].socketId] }]);
    }
    // domain-01 handed one envelope to domain-02 (for 02 and 03) and one to domain-04; domain-02 one to domain-03.
    expect([
      d[0].broker.partitionSizes('linker.domain-01.link.domain-02'),
      d[0].broker.partitionSizes('linker.domain-01.link.domain-04'),
    ]).toEqual([[1], [1]]);
    expect(d[1].broker.partitionSizes('linker.domain-02.link.domain-03')).toEqual([1]);
    expect(d.map((x) => x.received.filter((r) => r.envelope.type === 'MESSAGE').length)).toEqual([1, 1, 1, 1]);
  });

  it('tells the master (domain-01) of a user connecting in domain-03, and lets it close that user there', async () => {
    const [d1, d3] = [domain('domain-01'), domain('domain-03')];
    const masterSocket = await d1.connect('ANZ-123223');
    const userSocket = await d3.connect('ANZ-3123456');
    await d3.send({ type: 'USER_CONNECTED', from: 'SYSTEM', data: { userId: 'ANZ-3123456' }, origin: userSocket });
    const event = await d1.next('USER_CONNECTED');
    expect(event.envelope).toMatchObject({ to: 'ANZ-123223', data: { userId: 'ANZ-3123456' } });
    expect(event.targets).toEqual([{ userId: 'ANZ-123223', socketIds: [masterSocket.socketId] }]);

    await d1.send({ type: 'CLOSE_CONNECTION', from: 'ANZ-123223', data: { userId: 'ANZ-3123456' }, origin: masterSocket });
    const close = await d3.next('CLOSE_CONNECTION');
    expect(close.targets).toEqual([{ userId: 'ANZ-3123456', socketIds: [userSocket.socketId] }]);
  });

  it('carries FAST messages over links that are up, hop by hop, and keeps none in custody when they are down', async () => {
    const [d1, d2, d3] = [domain('domain-01'), domain('domain-02'), domain('domain-03')];
    await d3.connect('ANZ-3123456');
    // FAST is at most once: sent before the links are up, it would be dropped (as it is below, on purpose).
    await waitFor('the links of domain-01 and domain-02 up', () => [d1, d2].every((d) => d.health().links?.every((l) => l.up)));
    const sent = await d1.send({ type: 'MESSAGE', lane: 'FAST', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'fast' } });
    const delivered = await d3.next('MESSAGE');
    expect(delivered.envelope).toMatchObject({ id: sent.id, lane: 'FAST', path: ['domain-01', 'domain-02', 'domain-03'] });

    network.block('domain-02', 'domain-03');
    network.block('domain-01', 'domain-04');
    await waitFor(
      'the links 02-03 and 01-04 down',
      () =>
        d2.health().links?.find((l) => l.peer === 'domain-03')?.up === false &&
        d1.health().links?.find((l) => l.peer === 'domain-04')?.up === false,
    );
    await d1.send({ type: 'MESSAGE', lane: 'FAST', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'dropped' } });
    await waitFor(
      'domain-02 to count the FAST message it dropped',
      () => d2.health().links?.find((l) => l.peer === 'domain-03')?.fastDropped === 1,
    );
    await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'kept' } });
    // The RELIABLE one waits in domain-02's custody for 02-03; the FAST one before it was dropped, never queued.
    await waitFor('the RELIABLE message in custody at domain-02', () => d2.broker.retainedRecords('linker.domain-02.link.domain-03') === 1);
    network.unblock('domain-02', 'domain-03');
    await d3.next('MESSAGE', 2);
    expect(d3.received.filter((d) => d.envelope.type === 'MESSAGE').map((d) => (d.envelope.data as { content: string }).content)).toEqual([
      'fast',
      'kept',
    ]);
  });

  it('still tells the sender UNKNOWN_RECIPIENT_APP for a recipient of no app', async () => {
    const d1 = domain('domain-01');
    const origin = await d1.connect('ANZ-123456');
    await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'NOPE-1', content: 'x' }, origin });
    const error = await d1.next('INVALID_MESSAGE');
    expect(error.envelope.data).toMatchObject({ code: 'UNKNOWN_RECIPIENT_APP' });
  });
});
