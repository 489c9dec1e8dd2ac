/** The topology document (docs/protocol.md, Topology document): the original's schema, extended. Field names are the YAML's. */
export interface Domain {
  name: string;
  /** Client endpoint (`ws://` or `wss://`) and link endpoint (`wss://`, `ws://` or the original's `tcp://host:port`). */
  urls: string[];
}

export interface DomainLink {
  n1: string;
  n2: string;
  /** Path cost; default 1. */
  cost?: number;
}

export interface UserDistribution {
  domainName: string;
  /** Inclusive; default 0. */
  from?: number;
  /** Inclusive; default unbounded. */
  to?: number;
}

export interface ClientApp {
  /** Also the user-id prefix: users are `<appName>-<number>`. */
  appName: string;
  appId: string;
  masterUserId?: string;
  /** false: every user with the right appId is accepted (development only). Default true. */
  authEnabled?: boolean;
  /** POST {appId, userId, token}; a 2xx `{appId, userId, isAuthenticated: true}` accepts. */
  authUrl?: string;
  /**
   * Signs the requests to `authUrl` (`X-Linker-Signature`, as the app's webhooks are signed), so the app's backend can
   * tell they come from the router; at least 32 characters. Write-only, like `jwtSecret`. Absent: requests are unsigned.
   */
  authUrlSecret?: string;
  /** HS256 secret: the token must be a valid, unexpired JWT whose `sub` is the user id. Write-only. */
  jwtSecret?: string;
  /** RS256/ES256 public key (PEM), same rule as `jwtSecret`. */
  jwtPublicKey?: string;
  /**
   * http(s) URL of a JSON Web Key Set: RS256/ES256 tokens, same rule as `jwtSecret`, verified with the set's key named
   * by the token's `kid` (the set is cached, and fetched again for a `kid` it does not hold). Public.
   */
  jwksUrl?: string;
  /**
   * The app's server API key (`Authorization: Bearer <apiKey>` on `/api/v1/…` of every connector's client port); at
   * least 32 characters, unique among the apps. Write-only, like `jwtSecret`. Absent: the app has no server API.
   */
  apiKey?: string;
  userDistributions?: UserDistribution[];
  /** The app's channels (docs/protocol.md, Channels): ordered rules, the first matching a channel's name applies. None: no channels. */
  channels?: ChannelRule[];
  /** Where the router tells the app's backend what happened (docs/protocol.md, Webhooks). None: no webhooks. */
  webhook?: AppWebhook;
  /** Limits of each user's mailbox; defaults apply when absent (docs/protocol.md, Mailbox limits). */
  mailbox?: MailboxLimits;
}

/** An app's webhook: signed POSTs of `{events: [...]}` to `url`. */
export interface AppWebhook {
  /** http(s) URL; its credentials, if any, are masked like `authUrl`'s. */
  url: string;
  /** HMAC-SHA256 signing key, at least 32 characters. Write-only, like `jwtSecret`. */
  secret: string;
  /** The event types sent (`WEBHOOK_EVENT_TYPES`); default: all. */
  events?: string[];
  /** `message.stored` carries the message's content. Default false. */
  includeContent?: boolean;
}

/** What a user's mailbox keeps: over `maxMessages`, or older than `maxAgeSeconds`, the oldest are dropped (with a webhook). */
export interface MailboxLimits {
  /** Default 10,000. */
  maxMessages?: number;
  /** Default 604,800 (7 days). */
  maxAgeSeconds?: number;
}

/** Who may use the channels whose names match `pattern` (`*`: any run of characters). */
export interface ChannelRule {
  pattern: string;
  /** `public`: any user of the app may subscribe; `token` (default): only with a subscription token. */
  subscribe?: 'public' | 'token';
  /** `server` (default): only the app's backend publishes (server API); `clients`: its users may publish too. */
  publish?: 'server' | 'clients';
  /** RELIABLE publications are kept: at most `size` of them, each at most `ttlSeconds`, so subscribers can recover. */
  history?: { size: number; ttlSeconds: number };
}

export interface Topology {
  domains: Domain[];
  domainLinks: DomainLink[];
  clientApps: ClientApp[];
}
