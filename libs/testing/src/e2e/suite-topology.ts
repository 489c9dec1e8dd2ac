import type { Topology } from '@linker/topology';
import { uniqueName } from '../unique-name';

/**
 * The original README's app: its examples (AUTH_CLIENT as ANZ-123223, MESSAGE to ANZ-1232121) work as written. Its
 * server API key is `apiKey` (a test may rotate it: `SuiteContext.apiKey` is the current one).
 */
export const ANZ = {
  appName: 'ANZ',
  appId: 'app-id-343',
  master: 'ANZ-123223',
  apiKey: 'e2e-anz-server-api-key-0123456789abcdef',
} as const;
/** An app whose logins are decided by the suite's auth server (`authUrl`). */
export const EXT = { appName: 'EXT', appId: 'app-id-ext', master: 'EXT-1' } as const;
/** An app whose logins are HS256 JWTs signed with `secret`. */
export const JWT = { appName: 'JWT', appId: 'app-id-jwt', secret: 'e2e-jwt-secret-that-is-at-least-32-characters-long' } as const;
/** An app whose `authUrl` answers nothing (a closed port): every login fails. */
export const DEAD = { appName: 'DEAD', appId: 'app-id-dead' } as const;

/** ANZ users by number: home in the domain under test, in the other domain, or outside every range. */
const RANGES = {
  local: { from: 0, to: 2_999_999 },
  other: { from: 3_000_000, to: 5_999_999 },
  /** No distribution holds these numbers. */
  outside: { from: 6_000_000, to: 8_999_999 },
} as const;

/** Settings of every process of the suite's domain: a channel cap small enough to reach within the rate limit. */
export const SUITE_ENV = { LINKER_MAX_CHANNELS_PER_SOCKET: '10' } as const;
export const SUITE_MAX_CHANNELS = Number(SUITE_ENV.LINKER_MAX_CHANNELS_PER_SOCKET);

/** How many publications the suite's `feed-*` channels keep. */
export const HISTORY_SIZE = 5;

export interface SuiteDomains {
  /** The domain under test. */
  domain: string;
  /** A second domain of the topology, not linked to the first (no federation yet): ANZ users 3,000,000–5,999,999. */
  other: string;
}

/** Two domain names unique to this run (real mode derives topics, keys and databases from them). */
export function suiteDomains(): SuiteDomains {
  return { domain: uniqueName('e2e'), other: uniqueName('e2e-other') };
}

/**
 * The suite's topology: two domains without a link, ANZ (auth off, a server API key, distributed over both, numbers
 * from 6,000,000 at home nowhere; public channels `chat-*` where clients publish and `news-*` where only the server
 * does, and `private-*` that need a token it has no key to verify), EXT (`authUrl`), JWT (`jwtSecret`; `team-*`
 * channels that need a subscription token) and DEAD (an `authUrl` on a closed port).
 */
export function suiteTopology(domains: SuiteDomains, authUrl: string): Topology {
  return {
    domains: [
      { name: domains.domain, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] },
      { name: domains.other, urls: ['ws://127.0.0.1:8189', 'ws://127.0.0.1:9189'] },
    ],
    domainLinks: [],
    clientApps: [
      {
        appName: ANZ.appName,
        appId: ANZ.appId,
        masterUserId: ANZ.master,
        authEnabled: false,
        apiKey: ANZ.apiKey,
        userDistributions: [
          { domainName: domains.domain, ...RANGES.local },
          { domainName: domains.other, ...RANGES.other },
        ],
        channels: [
          { pattern: 'chat-*', subscribe: 'public', publish: 'clients' },
          { pattern: 'feed-*', subscribe: 'public', publish: 'clients', history: { size: HISTORY_SIZE, ttlSeconds: 300 } },
          { pattern: 'news-*', subscribe: 'public' },
          { pattern: 'private-*' },
        ],
      },
      { appName: EXT.appName, appId: EXT.appId, masterUserId: EXT.master, authUrl },
      { appName: JWT.appName, appId: JWT.appId, jwtSecret: JWT.secret, channels: [{ pattern: 'team-*', publish: 'clients' }] },
      { appName: DEAD.appName, appId: DEAD.appId, authUrl: 'http://127.0.0.1:1/auth' },
    ],
  };
}

/**
 * Fresh user ids for one test: each call a number never handed out before in this run (a random start, then +1),
 * so tests sharing a domain never see each other's users, mailboxes or presence.
 */
export class UserIds {
  private next = 1_000 + Math.floor(Math.random() * 500_000);

  /** An ANZ user at home in the domain under test. */
  anz(): string {
    return `${ANZ.appName}-${RANGES.local.from + 2_000_000 + this.take()}`;
  }

  /** An ANZ user whose home is the other domain. */
  anzElsewhere(): string {
    return `${ANZ.appName}-${RANGES.other.from + this.take()}`;
  }

  /** An ANZ user whose number is in no distribution. */
  anzNowhere(): string {
    return `${ANZ.appName}-${RANGES.outside.from + this.take()}`;
  }

  /** A user of `app` whose number starts with `prefix` (the auth server's answer is chosen by it). */
  of(app: string, prefix = ''): string {
    return `${app}-${prefix}${this.take()}`;
  }

  private take(): number {
    this.next += 1;
    return this.next;
  }
}
