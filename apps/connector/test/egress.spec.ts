import { CLOSE_CODES, connectorTopic, type Delivery, type Envelope } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import type { TestClient } from './socket/testing/test-client';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const to = (client: TestClient, userId: string): Delivery['targets'][number] => ({ userId, socketIds: [client.socketId as string] });
const idsOf = (frames: Array<{ id?: string }>): string[] => frames.map((f) => f.id as string);

// docs/protocol.md, Delivery: deliveries from the processors to this connector's sockets, and what the connector reports back.
describe('connector egress', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('reports the path of a confirmed message that came from another domain (its confirmation carries it back)', async () => {
    h = await startHarness();
    const client = await h.user('ANZ-2');
    const path = ['domain-03', 'domain-02', DOMAIN];
    const envelope = h.processor.message('ANZ-3000001', 'ANZ-2', 'from afar', { reference: 'far', confirm: true, path, hops: 2 });
    await h.processor.deliver({ envelope, targets: [{ userId: 'ANZ-2', socketIds: [client.socketId as string] }] });
    await waitFor('the delivered report', () => h.processor.reports().delivered.length === 1);
    expect(h.processor.reports().delivered[0]).toEqual({
      id: envelope.id,
      userId: 'ANZ-2',
      from: 'ANZ-3000001',
      reference: 'far',
      confirm: true,
      path,
    });
  });

  it('writes a delivery to every socket of the user, once per socket, and reports one delivery per user', async () => {
    h = await startHarness();
    const [a, b] = [await h.user('ANZ-2'), await h.user('ANZ-2')];
    const envelope = h.processor.message('ANZ-1', 'ANZ-2', 'hello', { reference: 'r1', confirm: true });
    const delivery: Delivery = { envelope, targets: [{ userId: 'ANZ-2', socketIds: [a.socketId as string, b.socketId as string] }] };
    await h.processor.deliver(delivery);
    for (const client of [a, b]) {
      expect(await client.next('MESSAGE')).toEqual({
        type: 'MESSAGE',
        data: { from: 'ANZ-1', content: 'hello' },
        reference: 'r1',
        id: envelope.id,
      });
    }
    await waitFor('the delivered report', () => h.processor.reports().delivered.length === 1);
    expect(h.processor.reports().delivered[0]).toEqual({ id: envelope.id, userId: 'ANZ-2', from: 'ANZ-1', reference: 'r1', confirm: true });

    await h.processor.deliver(delivery); // at least once: the same message again
    const next = h.processor.message('ANZ-1', 'ANZ-2', 'second');
    await h.processor.deliver({ envelope: next, targets: delivery.targets });
    for (const client of [a, b]) {
      await client.next('MESSAGE', (f) => f.id === next.id);
      expect(idsOf(client.all('MESSAGE'))).toEqual([envelope.id, next.id]);
    }
  });

  it('delivers FAST envelopes from the FAST lane, and reports only what needs a follow-up', async () => {
    h = await startHarness();
    const client = await h.user('ANZ-2');
    const fast = h.processor.message('ANZ-1', 'ANZ-2', 'fast', { lane: 'FAST' });
    const plain = h.processor.message('ANZ-1', 'ANZ-2', 'plain');
    const stored = h.processor.message('ANZ-1', 'ANZ-2', 'stored');
    await h.processor.deliver({ envelope: fast, targets: [to(client, 'ANZ-2')] });
    await h.processor.deliver({ envelope: plain, targets: [to(client, 'ANZ-2')] });
    await h.processor.deliver({ envelope: stored, targets: [to(client, 'ANZ-2')], fromMailbox: true });
    await client.count('MESSAGE', 3);
    await waitFor('the mailbox delivery reported', () => h.processor.reports().delivered.length === 1);
    expect(h.processor.reports()).toEqual({
      delivered: [{ id: stored.id, userId: 'ANZ-2', from: 'ANZ-1', fromMailbox: true }],
      undelivered: [],
      parked: [],
    });
  });

  it('reports a RELIABLE envelope undelivered when its socket is gone or belongs to someone else; FAST is not reported', async () => {
    h = await startHarness();
    const other = await h.user('ANZ-3');
    const gone = h.processor.message('ANZ-1', 'ANZ-2', 'gone', { reference: 'g', confirm: true });
    const fast = h.processor.message('ANZ-1', 'ANZ-2', 'fast', { lane: 'FAST' });
    await h.processor.deliver({ envelope: fast, targets: [{ userId: 'ANZ-2', socketIds: ['no-such-socket'] }] });
    await h.processor.deliver({ envelope: gone, targets: [{ userId: 'ANZ-2', socketIds: ['no-such-socket', other.socketId as string] }] });
    await waitFor('the undelivered report', () => h.processor.reports().undelivered.length === 1);
    expect(h.processor.reports()).toEqual({
      delivered: [],
      undelivered: [{ userId: 'ANZ-2', envelope: gone, failedSocketIds: ['no-such-socket', other.socketId] }],
      parked: [],
    });
    expect(other.all('MESSAGE')).toEqual([]);
  });

  it('closes the target sockets with 4003 on CLOSE_CONNECTION, then removes presence and publishes USER_DISCONNECTED', async () => {
    h = await startHarness();
    const target = await h.user('ANZ-5');
    const bystander = await h.user('ANZ-6');
    await h.processor.deliver({
      envelope: h.processor.system('CLOSE_CONNECTION', {}),
      targets: [to(target, 'ANZ-5'), { userId: 'ANZ-5', socketIds: [bystander.socketId as string] }],
    });
    expect(await target.closed()).toEqual({ code: 4003, reason: CLOSE_CODES.CLOSED_BY_MASTER.reason });
    expect(await h.processor.next('USER_DISCONNECTED')).toMatchObject({ data: { userId: 'ANZ-5' }, origin: { socketId: target.socketId } });
    expect(await h.presence.lookup('ANZ-5')).toEqual([]);
    expect(bystander.closeInfo).toBeUndefined();
    expect(await h.presence.lookup('ANZ-6')).toHaveLength(1);
  });

  it('commits a batch only once its report is published: a failed report means redelivery, not a second write', async () => {
    h = await startHarness();
    const client = await h.user('ANZ-2');
    h.faults.failIntake = true; // the report cannot be published: the batch handler rejects, the batch comes again
    const envelope = h.processor.message('ANZ-1', 'ANZ-2', 'once', { reference: 'r', confirm: true });
    await h.processor.deliver({ envelope, targets: [to(client, 'ANZ-2')] });
    await client.next('MESSAGE');
    const topic = connectorTopic(DOMAIN, CONNECTOR);
    const committed = () => h.broker.committedOffsets(topic, topic).reduce((sum, offset) => sum + offset, 0);
    const before = committed();
    h.faults.failIntake = false;
    await waitFor('the report, once the lane is back', () => h.processor.reports().delivered.length > 0);
    await waitFor('the batch committed', () => committed() > before);
    expect(h.processor.reports().delivered[0]).toMatchObject({ id: envelope.id, confirm: true });
    expect(client.all('MESSAGE')).toHaveLength(1);
  });

  it('skips a record that is not a delivery and goes on', async () => {
    h = await startHarness();
    const client = await h.user('ANZ-2');
    await h.lanes.RELIABLE.publish(connectorTopic(DOMAIN, CONNECTOR), [{ key: 'x', value: Buffer.from('{"not":"a delivery"}') }]);
    const envelope = h.processor.message('ANZ-1', 'ANZ-2', 'after');
    await h.processor.deliver({ envelope, targets: [to(client, 'ANZ-2')] });
    expect((await client.next('MESSAGE')).id).toBe(envelope.id);
  });

  describe('ack mode', () => {
    const deliveredIds = (): string[] => h.processor.reports().delivered.map((d) => d.id);

    it('does not park a message acknowledged within LINKER_ACK_WAIT_MS: its batch reports it delivered, the mailbox never sees it', async () => {
      h = await startHarness({ settings: { ackWaitMs: 5_000 } });
      const acking = await h.user('ANZ-2', { ack: true });
      const held = h.processor.message('ANZ-1', 'ANZ-2', 'acknowledged at once', { reference: 'a', confirm: true });
      await h.processor.deliver({ envelope: held, targets: [to(acking, 'ANZ-2')] });
      expect((await acking.next('MESSAGE')).id).toBe(held.id);
      acking.send({ type: 'MESSAGE_ACK', data: { ids: [held.id] } });
      await waitFor('the batch reported', () => deliveredIds().includes(held.id));
      expect(h.processor.reports().parked).toEqual([]);
      const [delivered] = h.processor.reports().delivered;
      expect(delivered).toMatchObject({ id: held.id, confirm: true });
      expect(delivered.fromMailbox).toBeUndefined();
    });

    it("parks a held message in its batch's report, then reports it delivered from the mailbox on MESSAGE_ACK, once", async () => {
      h = await startHarness();
      const acking = await h.user('ANZ-2', { ack: true });
      const plain = await h.user('ANZ-3');
      const held = h.processor.message('ANZ-1', 'ANZ-2', 'held', { reference: 'h', confirm: true });
      const marker = h.processor.message('ANZ-1', 'ANZ-3', 'marker', { reference: 'm', confirm: true });
      await h.processor.deliver({ envelope: held, targets: [to(acking, 'ANZ-2')] });
      await h.processor.deliver({ envelope: marker, targets: [to(plain, 'ANZ-3')] });
      expect((await acking.next('MESSAGE')).id).toBe(held.id);
      // Same sender key, same partition: the marker's report comes after the held message's batch was reported.
      await waitFor('the marker reported', () => deliveredIds().includes(marker.id));
      expect(h.processor.reports().parked).toEqual([{ userId: 'ANZ-2', envelope: held, socketIds: [acking.socketId] }]);
      expect(deliveredIds()).toEqual([marker.id]);

      acking.send({ type: 'MESSAGE_ACK', data: { ids: [held.id, 'unknown-id'] } });
      await waitFor('the held message reported', () => deliveredIds().includes(held.id));
      expect(h.processor.reports().delivered.find((d) => d.id === held.id)).toEqual({
        id: held.id,
        userId: 'ANZ-2',
        from: 'ANZ-1',
        reference: 'h',
        confirm: true,
        fromMailbox: true,
      });

      acking.send({ type: 'MESSAGE_ACK', data: { ids: [held.id] } }); // a repeated ack settles nothing more
      const later = h.processor.message('ANZ-1', 'ANZ-3', 'later', { reference: 'l', confirm: true });
      await h.processor.deliver({ envelope: later, targets: [to(plain, 'ANZ-3')] });
      await waitFor('the later message reported', () => deliveredIds().includes(later.id));
      expect(deliveredIds()).toEqual([marker.id, held.id, later.id]);
      expect(h.processor.reports().undelivered).toEqual([]);
    });

    it('commits a batch only once the report parking its held message is published; a redelivered batch parks it again, unwritten', async () => {
      h = await startHarness();
      const acking = await h.user('ANZ-2', { ack: true });
      h.faults.failIntake = true; // the report cannot be published: the batch handler rejects, the batch comes again
      const envelope = h.processor.message('ANZ-1', 'ANZ-2', 'parked', { reference: 'p', confirm: true });
      await h.processor.deliver({ envelope, targets: [to(acking, 'ANZ-2')] });
      await acking.next('MESSAGE');
      const topic = connectorTopic(DOMAIN, CONNECTOR);
      const committed = () => h.broker.committedOffsets(topic, topic).reduce((sum, offset) => sum + offset, 0);
      const before = committed();
      expect(h.processor.reports().parked).toEqual([]);
      h.faults.failIntake = false;
      await waitFor('the parking report, once the lane is back', () => h.processor.reports().parked.length > 0);
      await waitFor('the batch committed', () => committed() > before);
      expect(h.processor.reports().parked).toEqual([{ userId: 'ANZ-2', envelope, socketIds: [acking.socketId] }]);
      expect(acking.all('MESSAGE')).toHaveLength(1);

      acking.send({ type: 'MESSAGE_ACK', data: { ids: [envelope.id] } }); // the redelivery took over the hold
      await waitFor('the acknowledged message reported', () => deliveredIds().includes(envelope.id));
      expect(h.processor.reports().delivered).toEqual([
        { id: envelope.id, userId: 'ANZ-2', from: 'ANZ-1', reference: 'p', confirm: true, fromMailbox: true },
      ]);
      expect(h.processor.reports().undelivered).toEqual([]);
    });

    it('leaves unacknowledged messages in the mailbox when the socket closes: nothing is reported undelivered', async () => {
      h = await startHarness();
      const acking = await h.user('ANZ-2', { ack: true });
      const witness = await h.user('ANZ-3', { ack: true });
      const acked = h.processor.message('ANZ-1', 'ANZ-2', 'acked', { reference: 'a', confirm: true });
      const unacked = h.processor.message('ANZ-1', 'ANZ-2', 'unacked');
      const stored = h.processor.message('ANZ-1', 'ANZ-2', 'stored'); // from the mailbox: there already, never parked
      const marker = h.processor.message('ANZ-1', 'ANZ-3', 'marker');
      await h.processor.deliver({ envelope: acked, targets: [to(acking, 'ANZ-2')] });
      await h.processor.deliver({ envelope: unacked, targets: [to(acking, 'ANZ-2')] });
      await h.processor.deliver({ envelope: stored, targets: [to(acking, 'ANZ-2')], fromMailbox: true });
      await h.processor.deliver({ envelope: marker, targets: [to(witness, 'ANZ-3')] });
      await acking.count('MESSAGE', 3);
      await waitFor('the held messages parked', () => h.processor.reports().parked.length === 3);
      expect(h.processor.reports().parked.map((p) => p.envelope.id)).toEqual([acked.id, unacked.id, marker.id]);
      acking.send({ type: 'MESSAGE_ACK', data: { ids: [acked.id] } });
      await waitFor('the acked message reported', () => deliveredIds().includes(acked.id));

      acking.close();
      await h.processor.next('USER_DISCONNECTED', (e) => (e.data as { userId: string }).userId === 'ANZ-2');
      // The socket's end is settled; what it reported would go through the outbox before this later acknowledgement.
      witness.send({ type: 'MESSAGE_ACK', data: { ids: [marker.id] } });
      await waitFor('the witness reported', () => deliveredIds().includes(marker.id));
      expect(h.processor.reports().undelivered).toEqual([]);
      expect(h.processor.reports().delivered.map((d) => [d.id, d.fromMailbox])).toEqual([
        [acked.id, true],
        [marker.id, true],
      ]);
    });
  });

  it('writes an ifRoom delivery only while the send queue has room: the rest is reported undelivered, the socket stays open', async () => {
    h = await startHarness({ settings: { sendQueueFrames: 20, sendQueueBytes: 65_536, closeTimeoutMs: 20_000 } });
    const reader = await h.user('ANZ-2');
    reader.pause();
    const content = 'x'.repeat(30_000);
    const sent: Envelope[] = [];
    const undelivered = (): Set<string> => new Set(h.processor.reports().undelivered.map((u) => u.envelope.id));
    await waitFor(
      'an ifRoom delivery reported undelivered',
      async () => {
        const batch = Array.from({ length: 25 }, () => h.processor.message('ANZ-1', 'ANZ-2', content));
        sent.push(...batch);
        await Promise.all(batch.map((envelope) => h.processor.deliver({ envelope, targets: [to(reader, 'ANZ-2')], ifRoom: true })));
        return undelivered().size > 0;
      },
      { timeoutMs: 25_000, intervalMs: 1 },
    );
    expect(h.processor.all('USER_DISCONNECTED')).toEqual([]);
    expect(h.processor.reports().undelivered.every((u) => u.failedSocketIds[0] === reader.socketId)).toBe(true);
    reader.resume();
    await waitFor('every message received or reported undelivered', () =>
      sent.every((e) => reader.all('MESSAGE').some((f) => f.id === e.id) || undelivered().has(e.id)),
    );
    const after = h.processor.message('ANZ-1', 'ANZ-2', 'after the burst');
    await h.processor.deliver({ envelope: after, targets: [to(reader, 'ANZ-2')] });
    await reader.next('MESSAGE', (f) => f.id === after.id);
    expect(reader.closeInfo).toBeUndefined();
  });

  it('closes a slow consumer with 4005 and loses none of its RELIABLE messages', async () => {
    h = await startHarness({ settings: { sendQueueFrames: 20, sendQueueBytes: 65_536, closeTimeoutMs: 20_000 } });
    const slow = await h.user('ANZ-2');
    slow.pause();
    const content = 'x'.repeat(60_000);
    const sent: Envelope[] = [];
    await waitFor(
      'the slow consumer to be disconnected',
      async () => {
        const batch = Array.from({ length: 25 }, () => h.processor.message('ANZ-1', 'ANZ-2', content));
        sent.push(...batch);
        await Promise.all(batch.map((envelope) => h.processor.deliver({ envelope, targets: [to(slow, 'ANZ-2')] })));
        return h.processor.all('USER_DISCONNECTED').length > 0;
      },
      { timeoutMs: 25_000, intervalMs: 1 },
    );
    slow.resume();
    expect(await slow.closed(25_000)).toEqual({ code: 4005, reason: CLOSE_CODES.SLOW_CONSUMER.reason });
    const received = new Set(idsOf(slow.all('MESSAGE')));
    await waitFor('every message received or reported undelivered', () => {
      const undelivered = new Set(h.processor.reports().undelivered.map((u) => u.envelope.id));
      return sent.every((e) => received.has(e.id) || undelivered.has(e.id));
    });
    const undelivered = h.processor.reports().undelivered;
    expect(undelivered.length).toBeGreaterThan(0);
    expect(undelivered.every((u) => u.userId === 'ANZ-2' && u.failedSocketIds[0] === slow.socketId)).toBe(true);
  });
});
