import { randomBytes } from 'node:crypto';
import type { Topology } from '@linker/topology';
import type { DomainOptions, DomainUnderTest } from '../domains/domain-under-test';
import { logField } from '../domains/real-processes';
import type { RealDomain } from '../domains/real-domain';
import { RawSocket } from './raw-socket';
import type { WebhookReceiver } from './webhook-receiver';

/** A domain for webhook tests, and where its processors serve `GET /metrics`. */
export interface WebhookDomain {
  domain: DomainUnderTest;
  /** The `/metrics` URL of each processor running now. */
  metricsUrls(): string[];
}

export type StartWebhookDomain = (options: DomainOptions) => Promise<WebhookDomain>;

/** An app whose webhook goes to one of the tests' receivers (auth off, at home in every domain). */
export interface HookApp {
  appName: string;
  appId: string;
  secret: string;
}

export function hookApp(appName: string): HookApp {
  return { appName, appId: `app-id-${appName.toLowerCase()}`, secret: randomBytes(24).toString('base64url') };
}

/** One domain whose apps each have a webhook to their receiver; `events` of each app: `message.stored` unless `all`. */
export function webhookTopology(domain: string, apps: Array<[HookApp, WebhookReceiver, 'all' | 'stored']>): Topology {
  return {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
    domainLinks: [],
    clientApps: apps.map(([app, receiver, events]) => ({
      appName: app.appName,
      appId: app.appId,
      authEnabled: false,
      webhook: { url: receiver.url, secret: app.secret, ...(events === 'all' ? {} : { events: ['message.stored'] }) },
    })),
  };
}

/** The `/metrics` URLs of a real domain's processors still running (each started with `LINKER_METRICS_PORT=0`). */
export function realMetricsUrls(domain: RealDomain): string[] {
  return domain.processors
    .filter((p) => p.child.exitCode === null && p.child.signalCode === null)
    .map((p) => logField(p.output(), 'metrics served', 'url'))
    .filter((url): url is string => typeof url === 'string');
}

/** The sum over `urls` of the samples of `metric` labelled `app="<app>"` (0 when none). */
export async function metricSum(urls: readonly string[], metric: string, app: string): Promise<number> {
  const pattern = new RegExp(`^${metric}\\{[^}]*app="${app}"[^}]*\\} (\\d+(?:\\.\\d+)?)$`, 'gm');
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(url)).text();
    for (const match of text.matchAll(pattern)) sum += Number(match[1]);
  }
  return sum;
}

/** A socket of `userId` of `app`, logged in; fails if refused. */
export async function hookLogin(url: string, app: HookApp, userId: string): Promise<RawSocket> {
  const socket = await RawSocket.open(url, userId);
  const reply = await socket.auth(app.appId, userId);
  if (reply.data.isAuthenticated !== true) {
    await socket.close();
    throw new Error(`login of ${userId} refused: ${JSON.stringify(reply)}`);
  }
  return socket;
}
