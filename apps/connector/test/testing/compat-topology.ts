import type { Topology } from '@linker/topology';
import { DOMAIN } from './harness';

/** ANZ's server API key, and another app's. */
export const COMPAT_KEYS = { ANZ: 'anz-push-api-key-0123456789abcdef-xyz', OTHER: 'other-push-api-key-0123456789abcdef-xyz' } as const;
export const COMPAT_MASTER = 'ANZ-1';

/**
 * The compatible endpoints' test topology: ANZ (master ANZ-1, users 0–999 here, a key; public channels `qwerty`,
 * `news-*` and `testUserId`, and `private-*`, which needs a token) and OTHER (a key, no channels).
 */
export const COMPAT_TOPOLOGY: Topology = {
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'anz',
      masterUserId: COMPAT_MASTER,
      authEnabled: false,
      apiKey: COMPAT_KEYS.ANZ,
      userDistributions: [{ domainName: DOMAIN, from: 0, to: 999 }],
      channels: [
        { pattern: 'qwerty', subscribe: 'public' },
        { pattern: 'news-*', subscribe: 'public' },
        { pattern: 'testUserId', subscribe: 'public' },
        { pattern: 'private-*' },
      ],
    },
    { appName: 'OTHER', appId: 'other', authEnabled: false, apiKey: COMPAT_KEYS.OTHER },
  ],
};
