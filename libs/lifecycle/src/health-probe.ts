import { errorMessage } from '@linker/kernel';

/** `node dist/apps/<app>/src/main.js --health`: ask the running app's health endpoint instead of starting one. */
export const HEALTH_FLAG = '--health';

export interface HealthAnswer {
  healthy: boolean;
  /** One line for the container's health log: the status and body, or why there was none. */
  detail: string;
}

/** Where a process on this host reaches a server listening on `host`: a wildcard address is reached on loopback. */
export function localUrl(host: string, port: number, path: string): string {
  const reachable = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}${path}`;
}

/** GET `url`: healthy on a 2xx answer within `timeoutMs`; never throws. */
export async function askHealth(url: string, timeoutMs = 3_000): Promise<HealthAnswer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).slice(0, 300).replace(/\s+/g, ' ');
    return { healthy: response.ok, detail: `${url}: ${response.status} ${body}` };
  } catch (error) {
    return { healthy: false, detail: `${url}: ${errorMessage(error)}` };
  }
}

/**
 * The HEALTHCHECK of the Docker image and the exec probe of any orchestrator: prints the answer and exits 0 when
 * healthy, 1 otherwise (also when the app serves no health endpoint: `url` undefined, `why` says which setting).
 */
export async function runHealthProbe(url: string | undefined, why = 'no health endpoint is configured'): Promise<never> {
  const answer = url === undefined ? { healthy: false, detail: why } : await askHealth(url);
  (answer.healthy ? process.stdout : process.stderr).write(`${answer.detail}\n`);
  process.exit(answer.healthy ? 0 : 1);
}
