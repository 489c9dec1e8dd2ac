import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_CONFIGS, longestStopMs, unknownVariables } from './deploy-configs';

// There is no Docker engine on the machines that run these tests, so the compose files cannot be started here. What
// can be checked is that each app service would start: its environment loads through its app's configuration (the
// same check the app makes at start-up) and names no variable the app does not read.

interface Service {
  build?: unknown;
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  stop_grace_period?: string;
}

const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const required = parse(readFileSync(join(__dirname, '..', 'docker-required-services.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const apps = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs the meta-server, two connectors and two processors of one domain', () => {
    const byApp = (app: string) => apps.filter(([, service]) => service.environment?.APP === app).length;
    expect({ metaServer: byApp('meta-server'), connectors: byApp('connector'), processors: byApp('processor') }).toEqual({
      metaServer: 1,
      connectors: 2,
      processors: 2,
    });
  });

  it.each(apps)("%s: its environment loads through its app's configuration and names only variables the app reads", (_name, service) => {
    const { APP, ...variables } = service.environment ?? {};
    const config = APP_CONFIGS[String(APP)];
    expect(config).toBeDefined();
    const env = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)]));
    expect(() => config.load(env)).not.toThrow();
    expect(unknownVariables(String(APP), env)).toEqual([]);
  });

  it('depends only on services that docker-required-services.yml or this file defines', () => {
    const defined = new Set([...Object.keys(required.services), ...Object.keys(compose.services)]);
    const missing = apps.flatMap(([, service]) => Object.keys(service.depends_on ?? {}).filter((name) => !defined.has(name)));
    expect(missing).toEqual([]);
  });

  it('waits for every service an app depends on to be healthy, and each of those has a health check', () => {
    const all: Record<string, Service> = { ...required.services, ...compose.services };
    const waits = apps.flatMap(([name, service]) =>
      Object.entries(service.depends_on ?? {}).map(([on, { condition }]) => ({
        name,
        on,
        condition,
        checked: all[on]?.healthcheck !== undefined,
      })),
    );
    expect(waits.filter((wait) => wait.condition !== 'service_healthy' || !wait.checked)).toEqual([]);
  });

  it.each(apps)(
    '%s: healthy when its GET /health answers (main.js --health), given longer to stop than its drain takes',
    (_name, service) => {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));
      // Compose reads `$$` as a literal `$`: the container's shell sees $APP.
      expect(service.healthcheck?.test?.map((part) => part.replaceAll('$$', '$'))).toEqual([
        'CMD-SHELL',
        'exec node dist/apps/$APP/src/main.js --health',
      ]);
      expect(seconds(service.stop_grace_period) * 1000).toBeGreaterThan(longestStopMs(env.APP, env));
    },
  );
});

/** A compose duration such as `30s` or `1m30s`, in seconds (10, Docker's default, when unset). */
function seconds(duration: string | undefined): number {
  if (duration === undefined) return 10;
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
