import { INTERNAL_TYPES, type UserPresence } from '@linker/contracts';
import { CONNECTOR, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

// docs/protocol.md, Presence and channel events: USER_CONNECTED names the user's sockets that were live just before
// the new one was registered, so that a processor can tell the user's first socket.

describe('USER_CONNECTED', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it("names the user's other sockets live before this one registered, and USER_DISCONNECTED names none", async () => {
    h = await startHarness();
    const first = await h.user('ANZ-1');
    const firstEvent = await h.processor.next(INTERNAL_TYPES.USER_CONNECTED);
    expect(firstEvent.data).toEqual({ userId: 'ANZ-1', others: [] });
    const second = await h.user('ANZ-1');
    const secondEvent = await h.processor.next(INTERNAL_TYPES.USER_CONNECTED, (e) => e.origin?.socketId === second.socketId);
    expect((secondEvent.data as UserPresence).others).toEqual([`${CONNECTOR}/${first.socketId}`]);
    first.close();
    const gone = await h.processor.next(INTERNAL_TYPES.USER_DISCONNECTED);
    expect(gone.data).toEqual({ userId: 'ANZ-1' });
  });
});
