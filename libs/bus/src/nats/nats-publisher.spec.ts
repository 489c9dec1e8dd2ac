import type { NatsConnection } from 'nats';
import { decodeRecords } from './nats-codec';
import { NatsPublisher } from './nats-publisher';

/** What the publisher hands the client: one entry per NATS message, with the record values it carries. */
function fakeConnection(): { connection: NatsConnection; sent: Array<{ subject: string; values: string[] }> } {
  const sent: Array<{ subject: string; values: string[] }> = [];
  const connection = {
    info: { max_payload: 1024 * 1024 },
    publish: (subject: string, data: Uint8Array) => sent.push({ subject, values: decodeRecords(data).map((r) => r.value.toString()) }),
  } as unknown as NatsConnection;
  return { connection, sent };
}

const record = (value: string) => ({ key: 'ANZ-1', value: Buffer.from(value) });
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('NatsPublisher', () => {
  it('without a write delay, sends what one turn published in one message at the end of that turn', async () => {
    const { connection, sent } = fakeConnection();
    const publisher = new NatsPublisher(connection);
    const first = [publisher.publish('s', [record('a')]), publisher.publish('s', [record('b')])];
    await Promise.all(first);
    expect(sent).toEqual([{ subject: 's', values: ['a', 'b'] }]);
    await nextTurn();
    await publisher.publish('s', [record('c')]);
    expect(sent).toEqual([
      { subject: 's', values: ['a', 'b'] },
      { subject: 's', values: ['c'] },
    ]);
  });

  it('with a write delay, holds publishes of several turns and sends them together, in order, once it is over', async () => {
    const { connection, sent } = fakeConnection();
    const publisher = new NatsPublisher(connection, 30);
    const settled = [publisher.publish('s', [record('a')])];
    await nextTurn();
    settled.push(publisher.publish('s', [record('b')]), publisher.publish('t', [record('x')]));
    await nextTurn();
    expect(sent).toEqual([]);
    await Promise.all(settled);
    expect(sent).toEqual([
      { subject: 's', values: ['a', 'b'] },
      { subject: 't', values: ['x'] },
    ]);
  });

  it('sends at once what waits when flushed (as on close)', async () => {
    const { connection, sent } = fakeConnection();
    const publisher = new NatsPublisher(connection, 60_000);
    const settled = publisher.publish('s', [record('a')]);
    publisher.flush();
    await settled;
    expect(sent).toEqual([{ subject: 's', values: ['a'] }]);
  });
});
