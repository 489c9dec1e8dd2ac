import { CLOSE_CODES, connectorTopic, type Delivery, type Envelope } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import type { TestClient } from '../src/socket/testing/test-client';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const to = (client: TestClient, userId: string): Delivery['targets'][number] => ({ userId, socketIds: [client.socketId as string] });
const idsOf = (frames: Array<{ id?: string }>): string[] => frames.map((f) => f.id as string);

// SPEC §3: deliveries from the processors to this connector's sockets, and what the connector reports back.
describe('connector egress', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('writes a delivery to every socket of the user, once per socket, and reports one delivery per user', async () => {
    h = await startHarness();
    const [a, b] = [await h.user('ANZ-2'), await h.user('ANZ-2')];
    const envelope = h.processor.message('ANZ-1', 'ANZ-2', 'hello', { reference: 'r1', confirm: true });
    const delivery: Delivery = { envelope, targets: [{ userId: 'ANZ-2', socketIds: [a.socketId as string, b.socketId as string] }] };
    await h.processor.deliver(delivery);
    for (const client of [a, b]) {
      expect(await client.next('MESSAGE')).toEqual({ type: 'MESSAGE', data: { from: 'ANZ-1', content: 'hello' }, reference: 'r1', id: envelope.id });
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
    expect(h.processor.reports()).toEqual({ delivered: [{ id: stored.id, userId: 'ANZ-2', from: 'ANZ-1', fromMailbox: true }], undelivered: [] });
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
    });
    expect(other.all('MESSAGE')).toEqual([]);
  });

  it('closes the target sockets with 4003 on CLOSE_CONNECTION, then removes presence and publishes USER_DISCONNECTED', async () => {
    h = await startHarness();
    const target = await h.user('ANZ-5');
    const bystander = await h.user('ANZ-6');
    await h.processor.deliver({ envelope: h.processor.system('CLOSE_CONNECTION', {}), targets: [to(target, 'ANZ-5'), { userId: 'ANZ-5', socketIds: [bystander.socketId as string] }] });
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
    it('holds a message until MESSAGE_ACK, then reports it delivered', async () => {
      h = await startHarness();
      const acking = await h.user('ANZ-2', { ack: true });
      const plain = await h.user('ANZ-3');
      const held = h.processor.message('ANZ-1', 'ANZ-2', 'held', { reference: 'h', confirm: true });
      const marker = h.processor.message('ANZ-1', 'ANZ-3', 'marker', { reference: 'm', confirm: true });
      await h.processor.deliver({ envelope: held, targets: [to(acking, 'ANZ-2')] });
      await h.processor.deliver({ envelope: marker, targets: [to(plain, 'ANZ-3')] });
      expect((await acking.next('MESSAGE')).id).toBe(held.id);
      // Same sender key, same partition: the marker's report comes after the held message's batch was reported.
      await waitFor('the marker reported', () => h.processor.reports().delivered.some((d) => d.id === marker.id));
      expect(h.processor.reports().delivered.map((d) => d.id)).toEqual([marker.id]);

      acking.send({ type: 'MESSAGE_ACK', data: { ids: [held.id, 'unknown-id'] } });
      await waitFor('the held message reported', () => h.processor.reports().delivered.some((d) => d.id === held.id));
      expect(h.processor.reports().delivered.find((d) => d.id === held.id)).toEqual({ id: held.id, userId: 'ANZ-2', from: 'ANZ-1', reference: 'h', confirm: true });
    });

    it('returns unacknowledged messages as undelivered when the socket closes', async () => {
      h = await startHarness();
      const acking = await h.user('ANZ-2', { ack: true });
      const acked = h.processor.message('ANZ-1', 'ANZ-2', 'acked', { reference: 'a', confirm: true });
      const unacked = h.processor.message('ANZ-1', 'ANZ-2', 'unacked');
      await h.processor.deliver({ envelope: acked, targets: [to(acking, 'ANZ-2')] });
      await h.processor.deliver({ envelope: unacked, targets: [to(acking, 'ANZ-2')] });
      await acking.count('MESSAGE', 2);
      acking.send({ type: 'MESSAGE_ACK', data: { ids: [acked.id] } });
      await waitFor('the acked message reported', () => h.processor.reports().delivered.length === 1);
      acking.close();
      await waitFor('the unacked message returned', () => h.processor.reports().undelivered.length === 1);
      expect(h.processor.reports().undelivered).toEqual([{ userId: 'ANZ-2', envelope: unacked, failedSocketIds: [acking.socketId] }]);
      expect(h.processor.reports().delivered.map((d) => d.id)).toEqual([acked.id]);
    });
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
