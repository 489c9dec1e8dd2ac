import { TopologyView, type ClientApp, type Topology } from '@linker/topology';
import { ApiKeys } from './api-keys';

const KEY_A = 'key-of-app-a-0123456789abcdef0123';
const KEY_B = 'key-of-app-b-0123456789abcdef0123';

function view(apps: Array<Partial<ClientApp> & { appName: string }>): TopologyView {
  const topology: Topology = { domains: [], domainLinks: [], clientApps: apps.map((app) => ({ appId: app.appName, ...app })) };
  return new TopologyView(topology);
}

describe('ApiKeys', () => {
  it('finds the app of a Bearer key, and nothing for a missing header, another scheme, a wrong or a near key', () => {
    const keys = new ApiKeys(() => view([{ appName: 'A', apiKey: KEY_A }, { appName: 'B', apiKey: KEY_B }, { appName: 'C' }]));
    expect(keys.appOf(`Bearer ${KEY_A}`)?.app.appName).toBe('A');
    expect(keys.appOf(`bearer  ${KEY_B}`)?.app.appName).toBe('B');
    for (const header of [
      undefined,
      '',
      KEY_A,
      `Basic ${KEY_A}`,
      `Bearer ${KEY_A}x`,
      `Bearer ${KEY_A.slice(1)}`,
      'Bearer ',
      `Bearer ${KEY_A} ${KEY_B}`,
    ]) {
      expect(keys.appOf(header)).toBeUndefined();
    }
  });

  it('never matches a masked key (an app read without the internal token has none)', () => {
    const keys = new ApiKeys(() => view([{ appName: 'A', apiKey: '***' }]));
    expect(keys.appOf('Bearer ***')).toBeUndefined();
  });

  it('follows the current topology: a rotated key applies at once, the old one stops matching', () => {
    let current = view([{ appName: 'A', apiKey: KEY_A }]);
    const keys = new ApiKeys(() => current);
    expect(keys.appOf(`Bearer ${KEY_A}`)?.view).toBe(current);
    current = view([{ appName: 'A', apiKey: KEY_B }]);
    expect(keys.appOf(`Bearer ${KEY_A}`)).toBeUndefined();
    expect(keys.appOf(`Bearer ${KEY_B}`)).toEqual({ app: expect.objectContaining({ appName: 'A' }), view: current });
  });

  it('builds its index once per topology version, not per request', () => {
    let reads = 0;
    const apps = [{ appName: 'A', appId: 'a', apiKey: KEY_A }];
    const current = new TopologyView({
      domains: [],
      domainLinks: [],
      get clientApps() {
        reads += 1;
        return apps;
      },
    });
    const keys = new ApiKeys(() => current);
    for (let i = 0; i < 100; i++) keys.appOf(`Bearer ${i % 2 === 0 ? KEY_A : KEY_B}`);
    expect(reads).toBe(2); // the view's own index, then the keys' one
  });
});
