import type { ClientApp, Domain, DomainLink, Topology } from '@linker/topology';

/** `/clientApps` item: the original's fields, `null` when unset as the original served them, plus ours when set. */
export interface ClientAppShape {
  appName: string;
  appId: string;
  masterUserId: string | null;
  authUrl: string | null;
  authEnabled: boolean;
  userDistributions: Array<{ domainName: string; from: number | null; to: number | null }> | null;
  jwtSecret?: string;
  jwtPublicKey?: string;
}

/** `/domains/graph`: the original's `{domains, links}`. */
export interface GraphShape {
  domains: Domain[];
  links: DomainLink[];
}

/** The apps of a (masked) topology in the original's `/clientApps` shape; `authEnabled` is the effective value. */
export function clientAppsShape(topology: Topology): ClientAppShape[] {
  return topology.clientApps.map(clientAppShape);
}

function clientAppShape(app: ClientApp): ClientAppShape {
  return {
    appName: app.appName,
    appId: app.appId,
    masterUserId: app.masterUserId ?? null,
    authUrl: app.authUrl ?? null,
    authEnabled: app.authEnabled ?? true,
    userDistributions: app.userDistributions?.map((d) => ({ domainName: d.domainName, from: d.from ?? null, to: d.to ?? null })) ?? null,
    ...(app.jwtSecret === undefined ? {} : { jwtSecret: app.jwtSecret }),
    ...(app.jwtPublicKey === undefined ? {} : { jwtPublicKey: app.jwtPublicKey }),
  };
}

/** `/domains`: `[{name, urls}]`. */
export function domainsShape(topology: Topology): Domain[] {
  return topology.domains.map(({ name, urls }) => ({ name, urls }));
}

/** `/domains/links`: `[{n1, n2}]`, plus `cost` where the document sets one. */
export function linksShape(topology: Topology): DomainLink[] {
  return topology.domainLinks.map(({ n1, n2, cost }) => (cost === undefined ? { n1, n2 } : { n1, n2, cost }));
}
