import { MASKED_SECRET, maskUrl } from './mask-secrets';
import type { TopologyProblem } from './problems';
import type { ClientApp, Topology } from './topology';

/** The secrets shown only as `***`. */
const WRITE_ONLY = ['jwtSecret', 'apiKey'] as const;

/** A submitted topology with the secrets it left masked put back, or the fields whose masked value cannot be restored. */
export interface RestoredSecrets {
  topology: Topology;
  /** Apps whose `jwtSecret`, `apiKey` or `authUrl` were taken from the current version. */
  kept: string[];
  problems: TopologyProblem[];
}

/**
 * Secrets are write-only (docs/protocol.md, Secrets): an edit starts from the masked copy `GET /topology` serves. Where the submitted
 * `next` leaves a secret exactly as it was shown (`jwtSecret: ***`, `apiKey: ***`, or `authUrl` equal to the masked form of the
 * current one), the value of the app of the same name in `current` is kept. A masked value with nothing to restore
 * (a new app, or a changed `authUrl` that still holds `***`) is an error at its path: the author must give the secret.
 */
export function restoreSecrets(next: Topology, current: Topology): RestoredSecrets {
  const stored = new Map(current.clientApps.map((a) => [a.appName, a]));
  const problems: TopologyProblem[] = [];
  const kept = new Set<string>();
  const clientApps = next.clientApps.map((app, index): ClientApp => {
    const was = stored.get(app.appName);
    const restored: ClientApp = { ...app };
    for (const field of WRITE_ONLY) {
      if (app[field] !== MASKED_SECRET) continue;
      const value = was?.[field];
      if (value !== undefined && value !== MASKED_SECRET) {
        restored[field] = value;
        kept.add(app.appName);
      } else {
        const message = `is masked (${MASKED_SECRET}) but the current version has no ${field} for app "${app.appName}": give it`;
        problems.push(problem(index, field, message));
      }
    }
    if (app.authUrl !== undefined && app.authUrl.includes(MASKED_SECRET)) {
      if (was?.authUrl !== undefined && app.authUrl !== was.authUrl && maskUrl(was.authUrl) === app.authUrl) {
        restored.authUrl = was.authUrl;
        kept.add(app.appName);
      } else if (was?.authUrl !== app.authUrl) {
        problems.push(
          problem(
            index,
            'authUrl',
            `holds a masked credential (${MASKED_SECRET}) that is not the current one's masked form: give the credentials in full`,
          ),
        );
      }
    }
    return restored;
  });
  return { topology: { ...next, clientApps }, kept: [...kept], problems };
}

function problem(index: number, field: string, message: string): TopologyProblem {
  return { path: `clientApps[${index}].${field}`, message, severity: 'error' };
}
