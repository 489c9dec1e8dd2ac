import type { ClientApp, Topology } from './topology';

/** What a secret is replaced with wherever a topology is served or shown. */
export const MASKED_SECRET = '***';

/** Query parameters of an `authUrl` whose values are treated as credentials. */
const SECRET_QUERY_PARAM = /token|key|secret|pass|auth|sig|credential/i;

/**
 * A copy of `topology` that may be served or shown: `jwtSecret` and `apiKey` become `***`; in `authUrl`, the user and password
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
  if (app.authUrl !== undefined) masked.authUrl = maskUrl(app.authUrl);
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

/**
 * A served (masked) topology made safe to authenticate with: a `jwtSecret` of `***` is removed, so an app whose only
 * method it was refuses logins instead of accepting tokens signed with `***`, and so is an `apiKey` of `***`, so the
 * server API refuses `Bearer ***`. Returns the apps whose `jwtSecret` (`apps`) or `apiKey` (`apiKeyApps`) was removed.
 */
export function dropMaskedSecrets(topology: Topology): { topology: Topology; apps: string[]; apiKeyApps: string[] } {
  const apps = topology.clientApps.filter((app) => app.jwtSecret === MASKED_SECRET).map((app) => app.appName);
  const apiKeyApps = topology.clientApps.filter((app) => app.apiKey === MASKED_SECRET).map((app) => app.appName);
  if (apps.length === 0 && apiKeyApps.length === 0) return { topology, apps, apiKeyApps };
  const clientApps = topology.clientApps.map((app) => {
    const usable = { ...app };
    if (usable.jwtSecret === MASKED_SECRET) delete usable.jwtSecret;
    if (usable.apiKey === MASKED_SECRET) delete usable.apiKey;
    return usable;
  });
  return { topology: { ...topology, clientApps }, apps, apiKeyApps };
}
