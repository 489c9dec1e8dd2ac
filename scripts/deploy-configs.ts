import type { ConfigRow } from '@linker/config';
import { DRAIN_BACKSTOP_MARGIN_MS } from '@linker/lifecycle';
import { connectorConfig } from '../apps/connector/src/config/connector.config';
import { metaServerConfig } from '../apps/meta-server/src/config/meta-server.config';
import { processorConfig } from '../apps/processor/src/config/processor.config';

// What the deploy files' checks (compose.spec.ts, k8s.spec.ts) need of the apps: the configuration each `APP` loads,
// and how long its drain may take.

/** What is checked of each app's configuration declaration. */
interface AppConfig {
  load(env: Record<string, string>): unknown;
  describe(): ConfigRow[];
}

export const APP_CONFIGS: Record<string, AppConfig> = {
  connector: connectorConfig,
  processor: processorConfig,
  'meta-server': metaServerConfig,
};

/** The variables of `env` that the app's configuration does not read. */
export function unknownVariables(app: string, env: Record<string, string>): string[] {
  const known = new Set(APP_CONFIGS[app].describe().map((row) => row.env));
  return Object.keys(env).filter((key) => !known.has(key));
}

/** Longest a stop of `app` may take: the drain each app's main.ts allows, plus the backstop's margin. */
export function longestStopMs(app: string, env: Record<string, string>): number {
  return (app === 'connector' ? connectorConfig.load(env).closeTimeoutMs : 0) + 10_000 + DRAIN_BACKSTOP_MARGIN_MS;
}
