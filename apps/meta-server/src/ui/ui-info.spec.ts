import type { Topology } from '@linker/topology';
import { clientUrlOf, uiInfo } from './ui-info';

const RING: Topology = {
  domains: [
    { name: 'domain-01', urls: ['ws://127.0.0.1:8091', 'ws://127.0.0.1:9091'] },
    { name: 'domain-02', urls: ['ws://127.0.0.1:8092/'] },
    { name: 'domain-03', urls: ['wss://chat.example.org/socket'] },
    { name: 'domain-04', urls: [] },
  ],
  domainLinks: [],
  clientApps: [],
};

describe('uiInfo', () => {
  it('lists every domain’s client endpoint with the connector’s /ws path (real mode: no domain of its own)', () => {
    expect(uiInfo(RING, { metaServer: true })).toEqual({
      clientEndpoints: [
        { domain: 'domain-01', url: 'ws://127.0.0.1:8091/ws' },
        { domain: 'domain-02', url: 'ws://127.0.0.1:8092/ws' },
        { domain: 'domain-03', url: 'wss://chat.example.org/socket' },
      ],
      metaServer: true,
    });
  });

  it('puts its own domain first, at the address its connector really listens on (embedded mode)', () => {
    const info = uiInfo(RING, { domain: 'domain-02', clientUrl: 'ws://127.0.0.1:40123/ws', metaServer: false });
    expect(info.domain).toBe('domain-02');
    expect(info.metaServer).toBe(false);
    expect(info.clientEndpoints.map((e) => `${e.domain} ${e.url}`)).toEqual([
      'domain-02 ws://127.0.0.1:40123/ws',
      'domain-01 ws://127.0.0.1:8091/ws',
      'domain-03 wss://chat.example.org/socket',
    ]);
    expect(uiInfo(RING, { domain: 'domain-03', metaServer: true }).clientEndpoints[0]).toEqual({
      domain: 'domain-03',
      url: 'wss://chat.example.org/socket',
    });
  });

  it('has no endpoints without a topology', () => {
    expect(uiInfo(undefined, { metaServer: false })).toEqual({ clientEndpoints: [], metaServer: false });
  });
});

describe('clientUrlOf', () => {
  it('adds /ws to an endpoint without a path and keeps one that has a path', () => {
    expect(clientUrlOf('ws://10.0.0.1:8088')).toBe('ws://10.0.0.1:8088/ws');
    expect(clientUrlOf(' ws://10.0.0.1:8088/ ')).toBe('ws://10.0.0.1:8088/ws');
    expect(clientUrlOf('ws://10.0.0.1:8088/ws')).toBe('ws://10.0.0.1:8088/ws');
  });
});
