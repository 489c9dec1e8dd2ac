import type { ChannelRule, ClientApp, Topology } from './topology';

/** A user id split into its app name and number (`ANZ-123223` → `ANZ`, 123223). */
export interface UserIdParts {
  appName: string;
  number: number;
}

/** What an app name (the user-id prefix) may be made of: letters, digits and `_`. */
export const APP_NAME_PATTERN = /^[A-Za-z0-9_]+$/;

/** The largest user number a user id may carry (15 digits, so every number is exact in a double). */
export const MAX_USER_NUMBER = 999_999_999_999_999;

// The prefix is APP_NAME_PATTERN and the number has at most 15 digits (MAX_USER_NUMBER): keep the three in step.
const USER_ID = /^([A-Za-z0-9_]+)-(\d{1,15})$/;

/** The parts of `<appName>-<number>`, or undefined when the id does not have that shape. */
export function parseUserId(userId: string): UserIdParts | undefined {
  const match = USER_ID.exec(userId);
  return match ? { appName: match[1], number: Number(match[2]) } : undefined;
}

/** Where a user lives (docs/protocol.md, Home domain). */
export type Home =
  | { kind: 'domain'; domain: string }
  /** The app has no distributions: its users are at home in every domain. */
  | { kind: 'everywhere' }
  | { kind: 'invalid-user-id' }
  | { kind: 'unknown-app' }
  /** The number is outside every range of the app's distributions. */
  | { kind: 'outside-ranges' };

/**
 * One topology version, indexed for the hot path: built once per version, then every lookup is a map access.
 */
export class TopologyView {
  private readonly apps: ReadonlyMap<string, ClientApp>;
  /** Each app's channel rules with their patterns compiled, made on first use. */
  private readonly channelRules = new Map<string, ReadonlyArray<readonly [RegExp, ChannelRule]>>();

  constructor(readonly topology: Topology) {
    this.apps = new Map(topology.clientApps.map((app) => [app.appName, app]));
  }

  /**
   * The rule of app `appName` that applies to its channel named `name` (docs/protocol.md, Channels): the first whose
   * pattern matches the whole name. Undefined when none does, or the app has no channels: such a channel does not exist.
   */
  channelRule(appName: string, name: string): ChannelRule | undefined {
    let rules = this.channelRules.get(appName);
    if (rules === undefined) {
      rules = (this.apps.get(appName)?.channels ?? []).map((rule) => [globPattern(rule.pattern), rule] as const);
      this.channelRules.set(appName, rules);
    }
    return rules.find(([pattern]) => pattern.test(name))?.[1];
  }

  /** The app named `appName`. */
  app(appName: string): ClientApp | undefined {
    return this.apps.get(appName);
  }

  /** The app a user id belongs to, by its prefix. */
  appOfUser(userId: string): ClientApp | undefined {
    const parts = parseUserId(userId);
    return parts && this.apps.get(parts.appName);
  }

  /** The user's home domain: the first distribution whose range holds the user's number. */
  home(userId: string): Home {
    const parts = parseUserId(userId);
    if (!parts) return { kind: 'invalid-user-id' };
    const app = this.apps.get(parts.appName);
    if (!app) return { kind: 'unknown-app' };
    const distributions = app.userDistributions ?? [];
    if (distributions.length === 0) return { kind: 'everywhere' };
    const found = distributions.find((d) => (d.from ?? 0) <= parts.number && parts.number <= (d.to ?? Number.MAX_SAFE_INTEGER));
    return found ? { kind: 'domain', domain: found.domainName } : { kind: 'outside-ranges' };
  }

  /** Whether `userId` lives in `domain` (home there, or at home everywhere). */
  livesIn(userId: string, domain: string): boolean {
    const home = this.home(userId);
    return home.kind === 'everywhere' || (home.kind === 'domain' && home.domain === domain);
  }

  /**
   * A domain's endpoints as `domains[].urls` lists them (docs/protocol.md, Topology document): the first is where clients connect, the second
   * where neighbours link to it (`wss://host:port`; `tcp://host:port` as in the original, or `ws://host:port`, where cleartext links are allowed).
   */
  endpoints(domain: string): { client?: string; link?: string } {
    const urls = this.topology.domains.find((d) => d.name === domain)?.urls ?? [];
    return { client: urls[0], link: urls[1] };
  }

  /** The master user of the user's app, if it has one. */
  masterOf(userId: string): string | undefined {
    return this.appOfUser(userId)?.masterUserId;
  }
}

/** `team-*` → /^team-.*$/: `*` is any run of characters (possibly none); everything else stands for itself. */
function globPattern(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replaceAll('.', '\\.'));
  return new RegExp(`^${parts.join('.*')}$`);
}
