import type { Topology } from '@linker/topology';

/** ANZ of the original's README, with a server API key: the operations tests' app. */
export const OPS_APP = { appName: 'ANZ', appId: 'app-id-343', master: 'ANZ-123223' } as const;

/**
 * `domain` and `other`, not linked: ANZ's users 0–999 live in `domain`, 1,000 and up in `other`, so from `domain` a
 * message to ANZ-1500 is unreachable (dead-lettered when the server API sent it). `localUpTo` moves the border (an
 * edit that makes ANZ-1500 local: 1999). Authentication off; `apiKey` for the server API.
 */
export function unlinkedDomains(domain: string, other: string, apiKey: string, localUpTo = 999): Topology {
  return {
    domains: [
      { name: domain, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] },
      { name: other, urls: ['ws://127.0.0.1:8189', 'ws://127.0.0.1:9189'] },
    ],
    domainLinks: [],
    clientApps: [
      {
        appName: OPS_APP.appName,
        appId: OPS_APP.appId,
        masterUserId: OPS_APP.master,
        authEnabled: false,
        apiKey,
        userDistributions: [
          { domainName: domain, from: 0, to: localUpTo },
          { domainName: other, from: localUpTo + 1 },
        ],
      },
    ],
  } as Topology;
}
