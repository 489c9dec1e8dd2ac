import { createServer, type Socket } from 'node:net';
import { rawClient } from '../src/raw-client';
import type { ScenarioResult, StepResult } from '../src/results';
import type { Deployment, StartDeployment } from '../src/scenario';
import { benchTopology, startEmbeddedOn } from './deployments';

/** Messages a second to users who never connect, beside the load: each is stored and makes a `message.stored` event. */
const OFFLINE_RATE = 160;
/** Senders of that stream (the connector allows 50 frames/s per socket). */
const OFFLINE_SENDERS = 4;
/** The webhook secret of the bench app (only the dead receiver would ever see what it signs). */
const SECRET = 'bench-webhook-secret-of-at-least-32-characters';

/** A webhook receiver that accepts connections and never answers: every request times out. */
async function deadReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    close: () => {
      for (const socket of sockets) socket.destroy();
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
 * webhook events are made all the time), and, with `deadWebhook`, the app's webhook pointing at a receiver that never
 * answers. The two differ only in the webhook: what a dead receiver costs the message path.
 */
export function startWebhookDeployment(deadWebhook: boolean): StartDeployment {
  return async (request) => {
    const receiver = deadWebhook ? await deadReceiver() : undefined;
    const topologyOf = (wsPort: number): string =>
      receiver
        ? `${benchTopology(wsPort).trimEnd()}\n    webhook:\n      url: ${receiver.url}\n      secret: ${SECRET}\n`
        : benchTopology(wsPort);
    let deployment: Deployment;
    try {
      deployment = await startEmbeddedOn(request, topologyOf);
    } catch (error) {
      await receiver?.close();
      throw error;
    }
    const stopStream = await offlineStream(deployment);
    const stop = deployment.stop;
    return {
      ...deployment,
      stop: async () => {
        await stopStream();
        await stop();
        await receiver?.close();
      },
    };
  };
}

/** p50 / p99 here and in `reference` of the same run, at each rate both measured. */
export function webhookComparison(steps: StepResult[], earlier: ScenarioResult[], reference: string): string[] {
  const base = earlier.find((s) => s.name === reference)?.steps ?? [];
  const rows = steps.flatMap((step) => {
    const other = base.find((b) => b.offeredRate === step.offeredRate);
    if (!other) return [];
    const ms = (value: number): string => value.toFixed(2);
    return [
      `| ${step.offeredRate} | ${ms(other.latency.p50)} / ${ms(other.latency.p99)} | ${ms(step.latency.p50)} / ${ms(step.latency.p99)} |`,
    ];
  });
  if (rows.length === 0) return [`Run ${reference} in the same run (before this scenario) to compare: \`--scenario webhooks\`.`];
  return [
    `Latency, p50 / p99 ms, without and with the dead receiver:`,
    '',
    `| offered msg/s | ${reference} | dead receiver |`,
    '|---|---|---|',
    ...rows,
  ];
}
