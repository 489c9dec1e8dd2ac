import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startApp, type AppProcess } from '../processes';
import type { DomainOptions, DomainUnderTest } from './domain-under-test';

/** An embedded-mode domain: one `dist/apps/embedded/src/main.js` process. */
export interface EmbeddedDomain extends DomainUnderTest {
  readonly mode: 'embedded';
  readonly process: AppProcess;
  /** Where the embedded mailbox keeps its files (removed by `close()`). */
  readonly dataDir: string;
  /** The web UI's address, when asked for with `ui: true`. */
  readonly uiUrl?: string;
  /** The processor's `GET /metrics` (Prometheus text), when asked for with `metrics: true`. */
  readonly metricsUrl?: string;
}

/** What an embedded domain may have besides its topology. */
export interface EmbeddedDomainOptions extends DomainOptions {
  /** Serve the web UI too (on a free port): the browser tests. */
  ui?: boolean;
  /** Serve the processor's metrics too (`--metrics-port`, on a free port). */
  metrics?: boolean;
}

const READY_TIMEOUT_MS = 30_000;
/** The ready lines `main.ts` prints to stderr once every server listens. */
const CLIENTS_LINE = /^\s*clients:\s+(wss?:\/\/\S+\/ws)\s*$/m;
const META_LINE = /^\s*meta-server:\s+(https?:\/\/\S+)/m;
const UI_LINE = /^\s*web UI:\s+(https?:\/\/\S+)/m;
const METRICS_LINE = /^\s*metrics:\s+(http:\/\/\S+)/m;

/**
 * Run `options.domain` of `options.topology` in embedded mode: the topology goes to a temporary YAML file and the
 * BUILT embedded entry (run `npm run build` first) starts on free ports (`--ws-port 0 --meta-port 0`, and `--ui-port 0`
 * with `ui`, else `--no-ui`) with a temporary data directory. Resolves once it printed its `clients:` and
 * `meta-server:` lines (and `web UI:`), with those URLs.
 * `close()` sends SIGTERM, expects exit code 0, and removes the temporary files.
 */
export async function startEmbeddedDomain(options: EmbeddedDomainOptions): Promise<EmbeddedDomain> {
  if (!options.topology.domains.some((domain) => domain.name === options.domain)) {
    throw new Error(`the topology has no domain ${JSON.stringify(options.domain)}`);
  }
  const directory = await mkdtemp(join(tmpdir(), 'linker-embedded-'));
  const topologyFile = join(directory, 'topology.yaml');
  const dataDir = join(directory, 'data');
  await writeFile(topologyFile, stringify(options.topology));
  const ui = options.ui ? ['--ui-port', '0'] : ['--no-ui'];
  const metrics = options.metrics ? ['--metrics-port', '0'] : [];
  const args = ['--topology', topologyFile, '--domain', options.domain, '--ws-port', '0', '--meta-port', '0', ...ui, ...metrics];
  const env = { ...(options.adminToken === undefined ? {} : { LINKER_ADMIN_TOKEN: options.adminToken }), ...options.env };
  const app = startApp('embedded', env, [...args, '--data-dir', dataDir, '--log-level', 'info']);
  try {
    const { clientUrl, metaServerUrl } = await readyUrls(app);
    if (options.ui) await app.waitForOutput(UI_LINE, READY_TIMEOUT_MS);
    const uiUrl = UI_LINE.exec(app.output())?.[1];
    const metricsUrl = METRICS_LINE.exec(app.output())?.[1];
    let closed: Promise<void> | undefined;
    return {
      mode: 'embedded',
      domain: options.domain,
      connectorUrls: [clientUrl],
      metaServerUrl,
      process: app,
      dataDir,
      ...(uiUrl === undefined ? {} : { uiUrl }),
      ...(metricsUrl === undefined ? {} : { metricsUrl }),
      close: () => (closed ??= stopAndClean(app, directory)),
    };
  } catch (error) {
    await app.stop('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** Wait for both ready lines and read the URLs from them. */
export async function readyUrls(app: AppProcess, timeoutMs = READY_TIMEOUT_MS): Promise<{ clientUrl: string; metaServerUrl: string }> {
  await app.waitForOutput(CLIENTS_LINE, timeoutMs);
  await app.waitForOutput(META_LINE, timeoutMs);
  const clientUrl = CLIENTS_LINE.exec(app.output())?.[1];
  const metaServerUrl = META_LINE.exec(app.output())?.[1];
  if (!clientUrl || !metaServerUrl) throw new Error(`embedded mode printed no URLs: ${app.output().slice(-1000)}`);
  return { clientUrl, metaServerUrl };
}

/** SIGTERM; a drain that does not end in exit code 0 is a failure (with the process's last output). */
async function stopAndClean(app: AppProcess, directory: string): Promise<void> {
  try {
    const code = await app.stop('SIGTERM');
    if (code !== 0) throw new Error(`embedded mode exited with ${code} after SIGTERM: ${app.output().slice(-1500)}`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
