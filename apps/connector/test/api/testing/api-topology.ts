import type { Topology } from '@linker/topology';
import { DOMAIN } from '../../testing/harness';

/** Keys of the test topology's apps (each at least 32 characters). */
export const KEYS = {
  ANZ: 'anz-server-api-key-0123456789abcdef',
  /** ANZ's key after a rotation. */
  ANZ_ROTATED: 'anz-rotated-api-key-0123456789abcdef',
  NOMASTER: 'nomaster-api-key-0123456789abcdef',
} as const;

export const MASTER = 'ANZ-1';
/** The domain where ANZ users 1,000–1,999 live. */
export const ELSEWHERE = { domain: 'domain-far', client: 'ws://far.example.org:8089' } as const;

/**
 * The connector's domain and another one; ANZ (master ANZ-1, users 0–999 here, 1,000–1,999 elsewhere, none beyond),
 * NOMASTER (a key, no master user, at home everywhere) and NOKEY (no server API).
 */
export function apiTopology(anzKey: string = KEYS.ANZ): Topology {
  return {
    domains: [
      { name: DOMAIN, urls: ['ws://127.0.0.1:8089'] },
      { name: ELSEWHERE.domain, urls: [ELSEWHERE.client] },
    ],
    domainLinks: [],
    clientApps: [
      {
        appName: 'ANZ',
        appId: 'anz',
        masterUserId: MASTER,
        authEnabled: false,
        apiKey: anzKey,
        userDistributions: [
          { domainName: DOMAIN, from: 0, to: 999 },
          { domainName: ELSEWHERE.domain, from: 1_000, to: 1_999 },
        ],
      },
      { appName: 'NOMASTER', appId: 'nomaster', authEnabled: false, apiKey: KEYS.NOMASTER },
      { appName: 'NOKEY', appId: 'nokey', masterUserId: 'NOKEY-1', authEnabled: false },
    ],
  };
}
