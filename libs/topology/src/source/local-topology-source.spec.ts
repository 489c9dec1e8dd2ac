import type { Topology } from '../topology';
import { topologyVersion } from '../version';
import { LocalTopologySource } from './local-topology-source';

const topology: Topology = {
  domains: [
    { name: 'domain-01', urls: [] },
    { name: 'domain-02', urls: [] },
  ],
  domainLinks: [{ n1: 'domain-01', n2: 'domain-02' }],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'app-id-343',
      masterUserId: 'ANZ-1',
      authEnabled: false,
      userDistributions: [{ domainName: 'domain-02', from: 100 }],
    },
  ],
};

describe('LocalTopologySource', () => {
  it('serves one view of the given topology, versioned by its content hash', () => {
    const source = new LocalTopologySource(topology);
    expect(source.current().home('ANZ-100')).toEqual({ kind: 'domain', domain: 'domain-02' });
    expect(source.current().home('ANZ-99')).toEqual({ kind: 'outside-ranges' });
    expect(source.current().masterOf('ANZ-5')).toBe('ANZ-1');
    expect(source.current()).toBe(source.current());
    expect(source.version()).toBe(topologyVersion(topology));
  });

  it('replace() makes a new current view and tells each listener, even when another listener throws', () => {
    const source = new LocalTopologySource(topology);
    const first = source.current();
    const heard: string[] = [];
    source.onChange(() => {
      throw new Error('a broken listener');
    });
    const unsubscribe = source.onChange((view, version) => heard.push(`${version}:${view.app('ANZ')?.appId}`));
    const edited: Topology = { ...topology, clientApps: [{ ...topology.clientApps[0], appId: 'app-id-2' }] };
    source.replace(edited);
    expect(source.current()).not.toBe(first);
    expect(source.current().app('ANZ')?.appId).toBe('app-id-2');
    expect(source.version()).toBe(topologyVersion(edited));
    expect(heard).toEqual([`${topologyVersion(edited)}:app-id-2`]);
    unsubscribe();
    source.replace(topology, 'given-version');
    expect(source.version()).toBe('given-version');
    expect(heard).toHaveLength(1);
  });
});
