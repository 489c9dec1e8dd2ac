import { CLOSE_CODES } from '@linker/contracts';
import { TopologyView, type Topology } from '@linker/topology';
import { evictionOf } from './belonging';

const topology: Topology = {
  domains: [
    { name: 'domain-01', urls: ['ws://127.0.0.1:8091'] },
    { name: 'domain-02', urls: ['wss://chat.example.org/ws'] },
    { name: 'domain-03', urls: ['tcp://127.0.0.1:8093'] },
  ],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'a',
      userDistributions: [
        { domainName: 'domain-01', from: 0, to: 99 },
        { domainName: 'domain-02', from: 100, to: 199 },
        { domainName: 'domain-03', from: 200, to: 299 },
      ],
    },
    { appName: 'ALL', appId: 'b' },
  ],
};
const view = new TopologyView(topology);

describe('evictionOf (who no longer belongs to a domain after a topology change)', () => {
  it('keeps users at home here, and users of an app at home everywhere', () => {
    expect(evictionOf(view, 'ANZ-5', 'domain-01')).toBeUndefined();
    expect(evictionOf(view, 'ALL-123456', 'domain-02')).toBeUndefined();
  });

  it("tells a user whose home moved where to reconnect: the new home's client endpoint, with the connector's path if it has none", () => {
    expect(evictionOf(view, 'ANZ-150', 'domain-01')).toEqual({
      close: 'HOME_DOMAIN_MOVED',
      reason: 'home domain is now domain-02: reconnect to wss://chat.example.org/ws',
    });
    expect(evictionOf(view, 'ANZ-5', 'domain-02')).toEqual({
      close: 'HOME_DOMAIN_MOVED',
      reason: 'home domain is now domain-01: reconnect to ws://127.0.0.1:8091/ws',
    });
    // An endpoint a WebSocket client cannot use is not offered.
    expect(evictionOf(view, 'ANZ-250', 'domain-01')).toEqual({ close: 'HOME_DOMAIN_MOVED', reason: 'home domain is now domain-03' });
    expect(CLOSE_CODES[evictionOf(view, 'ANZ-250', 'domain-01')!.close].code).toBe(4006);
  });

  it('closes users whose app is gone, or whose number is outside every range, as no longer valid', () => {
    expect(evictionOf(view, 'GONE-1', 'domain-01')).toEqual({ close: 'USER_NO_LONGER_VALID' });
    expect(evictionOf(view, 'ANZ-300', 'domain-01')).toEqual({ close: 'USER_NO_LONGER_VALID' });
    expect(CLOSE_CODES.USER_NO_LONGER_VALID.code).toBe(4008);
  });

  it('keeps the close reason within the 123 bytes a close frame carries', () => {
    const long = new TopologyView({
      ...topology,
      domains: topology.domains.map((d) => (d.name === 'domain-02' ? { ...d, urls: [`ws://${'h'.repeat(120)}.example/ws`] } : d)),
    });
    const eviction = evictionOf(long, 'ANZ-150', 'domain-01')!;
    expect(eviction.reason).toBe('home domain is now domain-02');
  });
});
