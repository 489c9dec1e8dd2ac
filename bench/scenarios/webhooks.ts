import { createServer } from 'node:http';
import { rawClient } from '../src/raw-client';
import type { ScenarioResult, StepResult } from '../src/results';
import type { Deployment, StartDeployment } from '../src/scenario';
import { benchTopology, startEmbeddedOn } from './deployments';

/** Messages a second to users who never connect, beside the load: each is stored and makes a `message.stored` event. */
const OFFLINE_RATE = 160;
/** Senders of that stream (the connector allows 50 frames/s per socket). */
const OFFLINE_SENDERS = 4;
/** The webhook secret of the bench app (only the bench's own receivers see what it signs). */
const SECRET = 'bench-webhook-secret-of-at-least-32-characters';

/**
 * A webhook receiver on a free local port. `answers`: every request gets 204 once read; otherwise it is read and never
 * answered, so every request times out.
 */
async function receiver(answers: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    if (answers) request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `OFFLINE_RATE` RELIABLE messages a second, spread over users who never connect, until stopped. */
async function offlineStream(deployment: Deployment): Promise<() => Promise<void>> {
  const base = deployment.userBase + 900_000;
  const senders = await Promise.all(
    Array.from({ length: OFFLINE_SENDERS }, (_, i) =>
      rawClient.open(deployment.endpoint, { userId: `${deployment.appName}-${base + i}`, handlers: { onMessage: () => undefined } }),
    ),
  );
  let sent = 0;
  const perTick = OFFLINE_RATE / OFFLINE_SENDERS / 10;
  const timer = setInterval(() => {
    for (const sender of senders) {
      for (let i = 0; i < perTick; i++) sender.send(`${deployment.appName}-${base + 1_000 + (sent++ % 10_000)}`, 'offline', 'RELIABLE');
    }
  }, 100);
  return async () => {
    clearInterval(timer);
    await Promise.all(senders.map((sender) => sender.close()));
  };
}

/**
 * The embedded deployment of `embedded-reliable`, with a stream of messages to offline users beside the load (so
 * webhook events are made all the time when the app has a webhook): without one, with one whose receiver answers 204,
 * or with one whose receiver never answers. They differ only in the webhook: what a dead receiver costs the message path
 * beyond what webhooks cost at all.
 */
export function startWebhookDeployment(receiverKind: 'none' | 'live' | 'dead'): StartDeployment {
  return async (request) => {
    const webhook = receiverKind === 'none' ? undefined : await receiver(receiverKind === 'live');
    const topologyOf = (wsPort: number): string =>
      webhook
        ? `${benchTopology(wsPort).trimEnd()}\n    webhook:\n      url: ${webhook.url}\n      secret: ${SECRET}\n`
        : benchTopology(wsPort);
    let deployment: Deployment;
    try {
      deployment = await startEmbeddedOn(request, topologyOf);
    } catch (error) {
      await webhook?.close();
      throw error;
    }
    const stopStream = await offlineStream(deployment);
    const stop = deployment.stop;
    return {
      ...deployment,
      stop: async () => {
        await stopStream();
        await stop();
        await webhook?.close();
      },
    };
  };
}

/** p50 / p99 and the embedded process's loop delay p99 here and in each of `references` of the same run, at each rate all measured (one note). */
export function webhookComparison(steps: StepResult[], earlier: ScenarioResult[], references: string[]): string[] {
  const bases = references.map((name) => earlier.find((s) => s.name === name)?.steps ?? []);
  const ms = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
  const cell = (step: StepResult): string => {
    return `${ms(step.latency.p50)} / ${ms(step.latency.p99)} (loop ${ms(step.loop?.[0]?.delayP99Ms)})`;
  };
  const rows = steps.flatMap((step) => {
    const others = bases.map((base) => base.find((b) => b.offeredRate === step.offeredRate));
    if (others.some((other) => other === undefined)) return [];
    return [`| ${step.offeredRate} | ${others.map((other) => cell(other!)).join(' | ')} | ${cell(step)} |`];
  });
  if (rows.length === 0)
    return [`Run ${references.join(' and ')} in the same run (before this scenario) to compare: \`--scenario webhooks\`.`];
  const header = `| offered msg/s | ${references.join(' | ')} | dead receiver |`;
  const rule = `|${'---|'.repeat(references.length + 2)}`;
  return [['Latency p50 / p99 ms (embedded loop delay p99 ms), one run:', '', header, rule, ...rows].join('\n')];
}
