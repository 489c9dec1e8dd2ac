import type { AppWebhook, ClientApp, Topology } from './topology';

/** What a secret is replaced with wherever a topology is served or shown. */
export const MASKED_SECRET = '***';

/** Query parameters of an `authUrl` whose values are treated as credentials. */
const SECRET_QUERY_PARAM = /token|key|secret|pass|auth|sig|credential/i;

/**
 * A copy of `topology` that may be served or shown: `jwtSecret`, `apiKey`, `authUrlSecret` and `webhook.secret` become `***`; in `authUrl`
 * and `webhook.url`, the user and password
 * (`user:pass@`) and the values of credential-like query parameters (token, key, secret, …) become `***`.
 * `jwtPublicKey` is public and kept. Secrets are write-only (docs/protocol.md, Secrets): a masked copy cannot verify HS256 tokens.
 */
export function maskSecrets(topology: Topology): Topology {
  return {
    domains: topology.domains.map((d) => ({ ...d, urls: [...d.urls] })),
    domainLinks: topology.domainLinks.map((l) => ({ ...l })),
    clientApps: topology.clientApps.map(maskApp),
  };
}

function maskApp(app: ClientApp): ClientApp {
  const masked: ClientApp = { ...app };
  if (app.userDistributions) masked.userDistributions = app.userDistributions.map((d) => ({ ...d }));
  if (app.channels) masked.channels = structuredClone(app.channels);
  if (app.jwtSecret !== undefined) masked.jwtSecret = MASKED_SECRET;
  if (app.apiKey !== undefined) masked.apiKey = MASKED_SECRET;
  if (app.authUrlSecret !== undefined) masked.authUrlSecret = MASKED_SECRET;
  if (app.authUrl !== undefined) masked.authUrl = maskUrl(app.authUrl);
  if (app.webhook !== undefined) masked.webhook = maskWebhook(app.webhook);
  return masked;
}

function maskWebhook(webhook: AppWebhook): AppWebhook {
  const masked: AppWebhook = { ...webhook, url: maskUrl(webhook.url), secret: MASKED_SECRET };
  if (webhook.events) masked.events = [...webhook.events];
  return masked;
}

/** The URL without its credentials; a value that is not a URL is masked whole (it cannot be shown safely). */
export function maskUrl(value: string): string {
  if (!URL.canParse(value)) return MASKED_SECRET;
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    url.username = MASKED_SECRET;
    url.password = '';
  }
  const secretParams = [...url.searchParams.keys()].filter((name) => SECRET_QUERY_PARAM.test(name));
  for (const name of new Set(secretParams)) url.searchParams.set(name, MASKED_SECRET);
  return url.toString() === new URL(value).toString() ? value : url.toString();
}

/** A masked topology made usable, and the apps that lost a secret for it. */
export interface UsableTopology {
  topology: Topology;
  /** Apps whose `jwtSecret` was masked (removed). */
  apps: string[];
  /** Apps whose `authUrlSecret` was masked (removed: their `authUrl` requests go unsigned). */
  authUrlSecretApps: string[];
  /** Apps whose `apiKey` was masked (removed). */
  apiKeyApps: string[];
  /** Apps whose `webhook` had a masked secret (the webhook removed: nothing could be signed). */
  webhookApps: string[];
}

/**
 * A served (masked) topology made safe to authenticate with: a `jwtSecret` of `***` is removed, so an app whose only
 * method it was refuses logins instead of accepting tokens signed with `***`, and so is an `apiKey` of `***`, so the
 * server API refuses `Bearer ***`, and a `webhook` whose secret is `***` (its requests would be signed with `***`).
 */
export function dropMaskedSecrets(topology: Topology): UsableTopology {
  const named = (masked: (app: ClientApp) => boolean) => topology.clientApps.filter(masked).map((app) => app.appName);
  const apps = named((app) => app.jwtSecret === MASKED_SECRET);
  const apiKeyApps = named((app) => app.apiKey === MASKED_SECRET);
  const webhookApps = named((app) => app.webhook?.secret === MASKED_SECRET);
  const authUrlSecretApps = named((app) => app.authUrlSecret === MASKED_SECRET);
  const lists = { apps, authUrlSecretApps, apiKeyApps, webhookApps };
  if (Object.values(lists).every((list) => list.length === 0)) return { topology, ...lists };
  const clientApps = topology.clientApps.map((app) => {
    const usable = { ...app };
    if (usable.jwtSecret === MASKED_SECRET) delete usable.jwtSecret;
    if (usable.authUrlSecret === MASKED_SECRET) delete usable.authUrlSecret;
    if (usable.apiKey === MASKED_SECRET) delete usable.apiKey;
    if (usable.webhook?.secret === MASKED_SECRET) delete usable.webhook;
    return usable;
  });
  return { topology: { ...topology, clientApps }, ...lists };
}
