import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { APP_CONFIGS, longestStopMs, unknownVariables } from './deploy-configs';

// The Kubernetes manifests (deploy/k8s). scripts/k8s-validate.sh checks them against the Kubernetes schemas; these
// check what the schemas cannot: that each app would start with the environment it is given, that it is given longer
// to stop than its drain takes, and that its probes, requests and disruption budget are there.

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string }; fieldRef?: unknown } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: { cpu?: string; memory?: string } };
}
interface Resource {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds?: number; containers: Container[] } };
  };
}

const dir = join(__dirname, '..', 'deploy', 'k8s');
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
const resources = files.flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Resource));
const byKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
const workloads = resources.filter((resource) => resource.spec?.template !== undefined);
const configMaps = new Map(byKind('ConfigMap').map((map) => [map.metadata.name, map.data ?? {}]));
const secrets = byKind('Secret').flatMap((secret) => Object.entries(secret.stringData ?? {}));

/** A container's environment as the pod would see it (a pod's own name for a fieldRef). */
function environment(container: Container): Record<string, string> {
  const fromMaps = (container.envFrom ?? []).map((source) => configMaps.get(source.configMapRef?.name ?? '') ?? {});
  const own = (container.env ?? []).map(({ name, value, valueFrom }) => {
    const secret = valueFrom?.secretKeyRef && secrets.find(([key]) => key === valueFrom.secretKeyRef?.key)?.[1];
    return [name, value ?? secret ?? (valueFrom?.fieldRef ? `${container.name}-0` : undefined)];
  });
  return Object.assign({}, ...fromMaps, Object.fromEntries(own)) as Record<string, string>;
}

describe('deploy/k8s', () => {
  it('lists every manifest in kustomization.yaml, and runs a meta-server, connectors and processors', () => {
    const listed = (parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[] })
      .resources;
    expect([...listed].sort()).toEqual([...files].sort());
    expect(workloads.map((workload) => `${workload.kind}/${workload.metadata.name}`).sort()).toEqual([
      'Deployment/meta-server',
      'Deployment/processor',
      'StatefulSet/connector',
    ]);
  });

  it.each(workloads.map((workload) => [workload.metadata.name, workload] as const))(
    "%s: its environment loads through its app's configuration, names only what the app reads, every secret from the Secret",
    (_name, workload) => {
      for (const container of workload.spec?.template?.spec.containers ?? []) {
        const { APP, ...env } = environment(container);
        expect(APP_CONFIGS[APP]).toBeDefined();
        expect(() => APP_CONFIGS[APP].load(env)).not.toThrow();
        expect(unknownVariables(APP, env)).toEqual([]);
        const inline = (container.env ?? []).filter(({ name, value }) => /TOKEN|SECRET/.test(name) && value !== undefined);
        expect(inline).toEqual([]);
      }
    },
  );

  it.each(workloads.map((workload) => [workload.metadata.name, workload] as const))(
    '%s: probes, resource requests, longer to stop than its drain, and a disruption budget when it has replicas to spare',
    (name, workload) => {
      const template = workload.spec?.template;
      for (const container of template?.spec.containers ?? []) {
        const { APP, ...env } = environment(container);
        expect(container.readinessProbe).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
        expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect((template?.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(longestStopMs(APP, env));
      }
      if (name !== 'meta-server') {
        const budgets = byKind('PodDisruptionBudget').filter((budget) =>
          Object.entries(budget.spec?.selector?.matchLabels ?? {}).every(([key, value]) => template?.metadata.labels[key] === value),
        );
        expect(budgets).toHaveLength(1);
      }
    },
  );
});
