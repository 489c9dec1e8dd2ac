import type { Topology } from '../topology';
import { topologyVersion } from '../version';
import { StaticTopologySource } from './static-topology-source';

const topology: Topology = {
  domains: [
    { name: 'domain-01', urls: [] },
    { name: 'domain-02', urls: [] },
  ],
  domainLinks: [{ n1: 'domain-01', n2: 'domain-02' }],
  clientApps: [{ appName: 'ANZ', appId: 'app-id-343', masterUserId: 'ANZ-1', authEnabled: false, userDistributions: [{ domainName: 'domain-02', from: 100 }] }],
};

describe('StaticTopologySource', () => {
  it('serves one view of the given topology, versioned by its content hash', () => {
    const source = new StaticTopologySource(topology);
    expect(source.current().home('ANZ-100')).toEqual({ kind: 'domain', domain: 'domain-02' });
    expect(source.current().home('ANZ-99')).toEqual({ kind: 'outside-ranges' });
    expect(source.current().masterOf('ANZ-5')).toBe('ANZ-1');
    expect(source.current()).toBe(source.current());
    expect(source.version()).toBe(topologyVersion(topology));
  });

  it('never calls a listener, and keeps answering after close', async () => {
    const source = new StaticTopologySource(topology);
    const listener = jest.fn();
    const unsubscribe = source.onChange(listener);
    unsubscribe();
    await source.close();
    expect(listener).not.toHaveBeenCalled();
    expect(source.current().app('ANZ')?.appId).toBe('app-id-343');
  });
});
