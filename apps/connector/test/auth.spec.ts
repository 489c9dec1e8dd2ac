import { CLOSE_CODES, SYSTEM, type CloseCodeName, type SocketAddress } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import type { Presence, PresenceErrorCode } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

// docs/protocol.md, Authentication: the auth state machine, against a connector on memory twins and a scripted fake processor.
describe('connector auth', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('answers every frame before authentication with AUTH_REQUIRED {} and sends nothing on', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'hi' }, reference: 'r1' });
    client.send({ type: 'PING', data: {} });
    const replies = await client.count('AUTH_REQUIRED', 2);
    expect(replies[0]).toEqual({ type: 'AUTH_REQUIRED', data: {} });
    expect(h.processor.all('MESSAGE')).toHaveLength(0);
  });

  it('registers presence before the positive reply is written, then publishes USER_CONNECTED', async () => {
    h = await startHarness();
    const client = await h.client();
    let seenAtReply: Promise<SocketAddress[]> | undefined;
    // MemoryPresence reads its store synchronously when called: this is the processor's view at the reply.
    client.onFrame((frame) => {
      if (frame.type === 'AUTH_CLIENT_REPLY') seenAtReply = h.presence.lookup('ANZ-1');
    });
    const reply = await client.auth('ANZ-1');
    expect(reply).toEqual({ type: 'AUTH_CLIENT_REPLY', data: { appId: 'app-1', userId: 'ANZ-1', isAuthenticated: true } });
    const registered = await seenAtReply;
    expect(registered).toHaveLength(1);
    expect(registered?.[0]).toMatchObject({ domain: 'domain-t', connector: 'connector-t' });

    const auth = await h.processor.next('AUTH_CLIENT');
    expect(auth).toMatchObject({ lane: 'RELIABLE', from: SYSTEM, data: { appId: 'app-1', userId: 'ANZ-1' }, origin: registered?.[0] });
    const connected = await h.processor.next('USER_CONNECTED');
    expect(connected).toMatchObject({ from: SYSTEM, lane: 'RELIABLE', data: { userId: 'ANZ-1' }, origin: registered?.[0] });
    expect(h.connector.health()).toMatchObject({ sockets: 1, authenticated: 1 });
  });

  it('writes a negative reply, then closes with 4001 and a close frame; nothing is registered', async () => {
    h = await startHarness({ processor: { authenticate: () => false } });
    const client = await h.client();
    const reply = await client.auth('ANZ-1');
    expect(reply.data).toEqual({ appId: 'app-1', userId: 'ANZ-1', isAuthenticated: false });
    expect(await client.closed()).toEqual({ code: 4001, reason: CLOSE_CODES.AUTH_FAILED.reason });
    expect(await h.presence.lookup('ANZ-1')).toEqual([]);
    expect(h.processor.all('USER_CONNECTED')).toHaveLength(0);
  });

  it('closes a socket that does not authenticate in time with 4002, whether silent or still authenticating', async () => {
    h = await startHarness({ settings: { authTimeoutMs: 150 }, processor: { authenticate: () => undefined } });
    const silent = await h.client();
    const waiting = await h.client();
    waiting.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-7', token: 't' } });
    expect(await silent.closed()).toEqual({ code: 4002, reason: CLOSE_CODES.AUTH_TIMEOUT.reason });
    expect(await waiting.closed()).toEqual({ code: 4002, reason: CLOSE_CODES.AUTH_TIMEOUT.reason });
    await waitFor('no socket left', () => h.connector.health().sockets === 0);
    expect(h.processor.all('USER_DISCONNECTED')).toHaveLength(0); // it never was authenticated
  });

  it('refuses a second AUTH_CLIENT with ALREADY_AUTHENTICATED, authenticated or authenticating, and keeps the socket', async () => {
    let answer = true;
    h = await startHarness({ processor: { authenticate: () => (answer ? true : undefined) } });
    const client = await h.user('ANZ-1');
    client.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-2', token: 't' }, reference: 'again' });
    const refused = await client.next('INVALID_MESSAGE');
    expect(refused).toMatchObject({ data: { code: 'ALREADY_AUTHENTICATED' }, reference: 'again' });

    answer = false; // the processor stays silent from now on: the next socket stays AUTHENTICATING
    const pending = await h.client();
    pending.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-3', token: 't' } });
    await h.processor.next('AUTH_CLIENT', (e) => (e.data as { userId: string }).userId === 'ANZ-3');
    pending.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-3', token: 't' } });
    expect((await pending.next('INVALID_MESSAGE')).data).toMatchObject({ code: 'ALREADY_AUTHENTICATED' });

    client.send({ type: 'PING', data: {} });
    expect(await client.next('PONG')).toEqual({ type: 'PONG', data: {} });
    expect(h.processor.all('AUTH_CLIENT')).toHaveLength(2);
  });

  it('refuses an AUTH_CLIENT with a bad field, and answers UNAVAILABLE (retry possible) when the lane cannot take it', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', token: 't' } });
    expect((await client.next('INVALID_MESSAGE')).data).toEqual({
      code: 'INVALID_FIELD',
      message: 'data.userId: Expected required property',
    });

    h.faults.failIntake = true;
    client.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-1', token: 't' } });
    await client.next('INVALID_MESSAGE', (f) => (f.data as { code: string }).code === 'UNAVAILABLE');
    h.faults.failIntake = false;
    expect((await client.auth('ANZ-1')).data).toMatchObject({ isAuthenticated: true });
  });

  it('forgets a registration that completes after the socket closed, and announces nothing', async () => {
    let release: () => void = () => undefined;
    let added = 0;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h = await startHarness({
      wrapPresence: (presence) =>
        Object.assign(Object.create(presence) as Presence, {
          add: async (userId: string, address: SocketAddress) => {
            await gate;
            await presence.add(userId, address);
            added += 1;
          },
        }),
    });
    const client = await h.client();
    client.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-1', token: 't' } });
    await h.processor.next('AUTH_CLIENT');
    client.close();
    await waitFor('the socket gone', () => h.connector.health().sockets === 0);
    release();
    await waitFor('the late registration made, then removed', async () => added === 1 && (await h.presence.lookup('ANZ-1')).length === 0);
    expect(client.all('AUTH_CLIENT_REPLY')).toEqual([]);
    expect(h.processor.all('USER_CONNECTED')).toEqual([]);
    expect(h.processor.all('USER_DISCONNECTED')).toEqual([]);
  });

  /** The close code of a login whose presence registration failed, for each way presence fails. */
  const REGISTRATION_FAILURES: Record<PresenceErrorCode, CloseCodeName> = {
    PRESENCE_UNAVAILABLE: 'INTERNAL_ERROR',
    PRESENCE_CLOSED: 'INTERNAL_ERROR',
    INVALID_ARGUMENT: 'INTERNAL_ERROR',
  };

  it.each(Object.entries(REGISTRATION_FAILURES))(
    'closes a login whose presence registration failed with %s: %s, without a reply',
    async (code, close) => {
      h = await startHarness({
        wrapPresence: (presence) =>
          Object.assign(Object.create(presence) as Presence, {
            add: () => Promise.reject(new LinkerError<PresenceErrorCode>(code as PresenceErrorCode, 'registration failed')),
          }),
      });
      const client = await h.client();
      client.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: 'ANZ-1', token: 't' } });
      expect((await client.closed()).code).toBe(CLOSE_CODES[close as CloseCodeName].code);
      expect(client.all('AUTH_CLIENT_REPLY')).toEqual([]);
      expect(h.processor.all('USER_CONNECTED')).toEqual([]);
    },
  );

  it('turns on ack mode with AUTH_CLIENT.data.ack and passes it to the processor', async () => {
    h = await startHarness();
    await h.user('ANZ-1', { ack: true });
    expect((await h.processor.next('AUTH_CLIENT')).data).toMatchObject({ ack: true });
  });
});
