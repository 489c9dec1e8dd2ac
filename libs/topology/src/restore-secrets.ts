import { MASKED_SECRET, maskUrl } from './mask-secrets';
import type { TopologyProblem } from './problems';
import type { ClientApp, Topology } from './topology';

/** The secrets shown only as `***`. */
const WRITE_ONLY = ['jwtSecret', 'apiKey', 'authUrlSecret'] as const;

/** A submitted topology with the secrets it left masked put back, or the fields whose masked value cannot be restored. */
export interface RestoredSecrets {
  topology: Topology;
  /** Apps whose `jwtSecret`, `apiKey`, `authUrlSecret`, `authUrl`, `webhook.secret` or `webhook.url` were taken from the current version. */
  kept: string[];
  problems: TopologyProblem[];
}

/** One app being restored: where its problems go, and whether something was kept. */
interface AppRestore {
  index: number;
  name: string;
  problems: TopologyProblem[];
  kept: boolean;
}

/**
 * Secrets are write-only (docs/protocol.md, Secrets): an edit starts from the masked copy `GET /topology` serves. Where the submitted
 * `next` leaves a secret exactly as it was shown (`jwtSecret: ***`, `apiKey: ***`, `authUrlSecret: ***`, `webhook.secret: ***`, or `authUrl` /
 * `webhook.url` equal to the masked form of the current one), the value of the app of the same name in `current` is kept. A
 * masked value with nothing to restore (a new app, or a changed URL that still holds `***`) is an error at its path: the
 * author must give the secret.
 */
export function restoreSecrets(next: Topology, current: Topology): RestoredSecrets {
  const stored = new Map(current.clientApps.map((a) => [a.appName, a]));
  const problems: TopologyProblem[] = [];
  const kept: string[] = [];
  const clientApps = next.clientApps.map((app, index): ClientApp => {
    const was = stored.get(app.appName);
    const state: AppRestore = { index, name: app.appName, problems, kept: false };
    const restored: ClientApp = { ...app };
    for (const field of WRITE_ONLY) {
      const value = restoreSecret(state, field, app[field], was?.[field]);
      if (value !== undefined) restored[field] = value;
    }
    if (app.authUrl !== undefined) restored.authUrl = restoreUrl(state, 'authUrl', app.authUrl, was?.authUrl);
    if (app.webhook !== undefined) {
      const secret = restoreSecret(state, 'webhook.secret', app.webhook.secret, was?.webhook?.secret) ?? app.webhook.secret;
      restored.webhook = { ...app.webhook, secret, url: restoreUrl(state, 'webhook.url', app.webhook.url, was?.webhook?.url) };
    }
    if (state.kept) kept.push(app.appName);
    return restored;
  });
  return { topology: { ...next, clientApps }, kept, problems };
}

/** A secret left as `***`: the current one (or a problem when there is none); undefined when it was not masked. */
function restoreSecret(state: AppRestore, field: string, value: string | undefined, was: string | undefined): string | undefined {
  if (value !== MASKED_SECRET) return undefined;
  if (was !== undefined && was !== MASKED_SECRET) {
    state.kept = true;
    return was;
  }
  problem(state, field, `is masked (${MASKED_SECRET}) but the current version has no ${field} for app "${state.name}": give it`);
  return undefined;
}

/** A URL whose credentials were left masked: the current one when it is its masked form (else a problem). */
function restoreUrl(state: AppRestore, field: string, value: string, was: string | undefined): string {
  if (!value.includes(MASKED_SECRET) || was === value) return value;
  if (was !== undefined && maskUrl(was) === value) {
    state.kept = true;
    return was;
  }
  problem(
    state,
    field,
    `holds a masked credential (${MASKED_SECRET}) that is not the current one's masked form: give the credentials in full`,
  );
  return value;
}

function problem(state: AppRestore, field: string, message: string): void {
  state.problems.push({ path: `clientApps[${state.index}].${field}`, message, severity: 'error' });
}
