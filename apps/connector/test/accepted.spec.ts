import type { Envelope } from '@linker/contracts';
import { resendableMessageId } from '@linker/kernel';
import { waitFor } from '@linker/testing';
import { startHarness, type Harness } from './testing/harness';

const messagesOf = (h: Harness, from: string): Envelope[] => h.processor.all('MESSAGE').filter((e) => e.from === from);

jest.setTimeout(30_000);

// A MESSAGE or GROUP_MESSAGE with the client's own `id` is acknowledged once its lane holds it, and may be resent.
describe('connector: ACCEPTED frames for client ids', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ settings: { rateLimit: 10_000, rateBurst: 10_000 } });
  });
  afterEach(() => h?.close());

  it('answers ACCEPTED {id} with the reference once the lane accepted the frame, not before', async () => {
    const client = await h.user('ANZ-1');
    h.faults.holdIntake = true;
    client.send({ type: 'MESSAGE', id: 'c-1', data: { to: 'ANZ-2', content: 'x' }, reference: 'r-1' });
    client.send({ type: 'GROUP_MESSAGE', id: 'c-2', data: { to: ['ANZ-2', 'ANZ-3'], content: 'g' } });
    await waitFor('both publishes held by the lane', () => h.faults.held.length === 2);
    client.send({ type: 'PING' });
    await client.next('PONG'); // frames sent after the two were answered: the two are not acknowledged yet
    expect(client.all('ACCEPTED')).toEqual([]);
    h.faults.holdIntake = false;
    h.releaseIntake();
    expect(await client.next('ACCEPTED', (f) => (f.data as { id: string }).id === 'c-1')).toEqual({
      type: 'ACCEPTED',
      data: { id: 'c-1' },
      reference: 'r-1',
    });
    expect(await client.next('ACCEPTED', (f) => (f.data as { id: string }).id === 'c-2')).toEqual({
      type: 'ACCEPTED',
      data: { id: 'c-2' },
    });
  });

  it('makes the message id from the user and the client id, so a resend is the same message', async () => {
    const client = await h.user('ANZ-1');
    client.send({ type: 'MESSAGE', id: 'c-1', data: { to: 'ANZ-2', content: 'x' } });
    client.send({ type: 'MESSAGE', id: 'c-1', data: { to: 'ANZ-2', content: 'x' } });
    await waitFor('2 ACCEPTED frames', () => client.all('ACCEPTED').length === 2);
    const ids = messagesOf(h, 'ANZ-1').map((e) => e.id);
    expect(ids).toEqual([resendableMessageId('ANZ-1', 'c-1'), resendableMessageId('ANZ-1', 'c-1')]);
  });

  it('sends nothing new to a frame without an id (what original clients send)', async () => {
    const client = await h.user('ANZ-1');
    client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference: 'plain' });
    await h.processor.next('MESSAGE', (e) => e.reference === 'plain');
    client.send({ type: 'PING' });
    await client.next('PONG');
    expect(client.all('ACCEPTED')).toEqual([]);
    expect(messagesOf(h, 'ANZ-1')[0]?.id).not.toBe(resendableMessageId('ANZ-1', 'plain'));
  });

  it('echoes the id in every refusal of such a frame, and accepts an id only on MESSAGE, GROUP_MESSAGE and PUBLISH', async () => {
    const client = await h.user('ANZ-1');
    h.faults.failIntake = true;
    client.send({ type: 'MESSAGE', id: 'down', data: { to: 'ANZ-2', content: 'x' } });
    const unavailable = await client.next('INVALID_MESSAGE', (f) => (f.data as { id?: string }).id === 'down');
    expect(unavailable.data).toMatchObject({ code: 'UNAVAILABLE', lane: 'RELIABLE', id: 'down' });
    h.faults.failIntake = false;
    client.send({ type: 'MESSAGE', id: 'bad', data: { to: 'ANZ-2', content: 5 } });
    expect((await client.next('INVALID_MESSAGE', (f) => (f.data as { id?: string }).id === 'bad')).data).toMatchObject({
      code: 'INVALID_FIELD',
    });
    client.send({ type: 'PING', id: 'p' });
    const onPing = await client.next('INVALID_MESSAGE', (f) => (f.data as { id?: string }).id === 'p');
    expect(onPing.data).toMatchObject({ code: 'INVALID_FIELD', message: 'id: only MESSAGE, GROUP_MESSAGE and PUBLISH frames take an id' });
    client.send({ type: 'MESSAGE', id: 'x'.repeat(129), data: { to: 'ANZ-2', content: 'x' }, reference: 'long' });
    const long = await client.next('INVALID_MESSAGE', (f) => f.reference === 'long');
    expect(long.data).toMatchObject({ code: 'INVALID_FIELD' });
    expect((long.data as { id?: string }).id).toBeUndefined();
    expect(client.all('ACCEPTED')).toEqual([]);
    expect(messagesOf(h, 'ANZ-1')).toEqual([]);
  });
});
