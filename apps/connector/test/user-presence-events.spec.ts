import { INTERNAL_TYPES, type UserPresence } from '@linker/contracts';
import { silentLogger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import { LocalTopologySource, type Topology } from '@linker/topology';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

// docs/protocol.md, Presence events: USER_CONNECTED names the user's sockets that were live just before
// the new one was registered, so that a processor can tell the user's first socket.

const TOPOLOGY: Topology = {
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'anz',
      authEnabled: false,
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-signing-secret-of-32-chars!' },
    },
    { appName: 'QUIET', appId: 'quiet', authEnabled: false },
  ],
};

describe('USER_CONNECTED', () => {
  let h: Harness;
  afterEach(() => h?.close());
  const topology = () => new LocalTopologySource(TOPOLOGY, silentLogger);

  it("names the user's other sockets live before this one registered, and USER_DISCONNECTED names none", async () => {
    h = await startHarness({ topology: topology() });
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

  it('reads no sockets before a login of an app without a webhook, and names none', async () => {
    const lookups: string[] = [];
    const counting = (presence: Presence): Presence =>
      Object.assign(Object.create(presence) as Presence, {
        lookup: (userId: string) => (lookups.push(userId), presence.lookup(userId)),
      });
    h = await startHarness({ topology: topology(), wrapPresence: counting });
    await h.user('QUIET-1', { appId: 'quiet' });
    expect((await h.processor.next(INTERNAL_TYPES.USER_CONNECTED)).data).toEqual({ userId: 'QUIET-1' });
    expect(lookups).toEqual([]);
  });
});
