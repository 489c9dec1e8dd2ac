import type { Topology } from '@linker/topology';
import { parse, stringify } from 'yaml';
import type { AppProcess } from '../processes';
import type { TestServices } from '../services';
import { startRealDomain, type RealDomain, type RealDomainExtra } from '../domains/real-domain';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { intakeAssignment } from './assignments';
import type { TrafficOptions } from './traffic';

/** The fault battery's app: the original's, authentication off. */
export const BATTERY_APP_ID = 'app-id-343';
/** LINKER_PARTITIONS as the real-mode harness sets it. */
export const BATTERY_PARTITIONS = 4;

export function batteryTopology(domain: string): Topology {
  return {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089'] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: BATTERY_APP_ID, masterUserId: 'ANZ-123223', authEnabled: false }],
  };
}

/** The battery's steady traffic: 6 pairs, each 20 RELIABLE and 5 FAST msg/s, users from `ANZ-<firstUser>` on. */
export function batteryTraffic(urls: readonly string[], firstUser: number): Omit<TrafficOptions, 'ledger'> {
  return { urls, appId: BATTERY_APP_ID, userId: (n) => `ANZ-${firstUser + n}`, pairs: 6, rates: { RELIABLE: 20, FAST: 5 } };
}

/** Every processor of `domain` holds some intake partitions, and together they hold all: the group has settled. */
export function settledGroup(domain: RealDomain): Promise<unknown> {
  return waitFor(
    'the processors to share the intake partitions',
    () => {
      const held = domain.processors
        .filter((p) => p.child.exitCode === null && p.child.signalCode === null)
        .map((p) => intakeAssignment(p, domain.domain));
      return held.every((partitions) => partitions.length > 0) && new Set(held.flat()).size === BATTERY_PARTITIONS;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** A real-mode domain of its own (2 processors, 2 connectors; on `services` when given), its processors' group settled. */
export async function startBatteryDomain(prefix: string, services?: TestServices, extra: RealDomainExtra = {}): Promise<RealDomain> {
  const name = uniqueName(prefix);
  const domain = await startRealDomain({ domain: name, topology: batteryTopology(name) }, { ...extra, services });
  try {
    await settledGroup(domain);
  } catch (error) {
    await domain.close();
    throw error;
  }
  return domain;
}

/**
 * Edit the meta-server's current topology with `change` and PUT it with `adminToken`; resolves with the new version.
 * Rejects when the meta-server cannot be reached or refuses the edit (its status and answer in the message).
 */
export async function editTopology(metaServerUrl: string, adminToken: string, change: (topology: Topology) => Topology): Promise<string> {
  const current = await fetch(`${metaServerUrl}/topology`);
  const version = JSON.parse(current.headers.get('etag') ?? 'null') as string;
  const response = await fetch(`${metaServerUrl}/topology`, {
    method: 'PUT',
    body: stringify(change(parse(await current.text()) as Topology)),
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${adminToken}`, 'if-match': `"${version}"` },
  });
  if (response.status !== 200) throw new Error(`the edit was refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { version: string }).version;
}

/** Whether `app` logged that it applied topology `version`. */
export function appliedVersion(app: AppProcess, version: string): boolean {
  return app
    .output()
    .split('\n')
    .some((line) => line.includes('"msg":"topology version applied"') && line.includes(`"version":"${version}"`));
}
