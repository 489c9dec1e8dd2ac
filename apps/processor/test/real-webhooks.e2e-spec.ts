import { startRealDomain, uniqueName, waitFor, type RealDomain } from '@linker/testing';
import type { RawSocket } from '@linker/testing/e2e/raw-socket';
import { webhookBehaviour } from '@linker/testing/e2e/webhook-behaviour';
import { hookApp, hookLogin, metricSum, realMetricsUrls, webhookTopology } from '@linker/testing/e2e/webhook-domain';
import { WebhookReceiver } from '@linker/testing/e2e/webhook-receiver';

// Webhooks in real mode (`npm run build` first, and the real services): the webhook topics are Kafka topics, sent by
// the processors' consumer group; each processor serves its /metrics on a free port.
const METRICS_ENV = { LINKER_METRICS_PORT: '0' };

webhookBehaviour('webhooks, real mode', async (options) => {
  const domain = await startRealDomain(options, { processorEnv: METRICS_ENV });
  return { domain, metricsUrls: () => realMetricsUrls(domain) };
});

describe('webhooks, real mode: a processor killed (SIGKILL) while its receiver is down', () => {
  jest.setTimeout(180_000);
  const app = hookApp('HOOK_D');
  const sockets: RawSocket[] = [];
  let receiver: WebhookReceiver | undefined;
  let domain: RealDomain | undefined;

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await domain?.close();
    await receiver?.stop();
  }, 60_000);

  it('loses no pending event: the receiver gets every one once it is back and a processor runs again', async () => {
    receiver = await WebhookReceiver.start();
    const name = uniqueName('e2e-webhook-kill');
    const topology = webhookTopology(name, [[app, receiver, 'stored']]);
    domain = await startRealDomain({ topology, domain: name }, { processors: 1, connectors: 1, processorEnv: METRICS_ENV });
    await receiver.stop(); // down: connections refused

    const sender = await hookLogin(domain.connectorUrls[0], app, `${app.appName}-1`);
    sockets.push(sender);
    const recipients = Array.from({ length: 20 }, (_, i) => `${app.appName}-${100 + i}`);
    for (const to of recipients) sender.send({ type: 'MESSAGE', data: { to, content: `for ${to}` } });
    const urls = realMetricsUrls(domain);
    await waitFor(
      'events pending a retry on the processor (the receiver refused them)',
      async () =>
        (await metricSum(urls, 'linker_webhook_failed_total', app.appName)) > 0 &&
        (await metricSum(urls, 'linker_webhook_pending', app.appName)) > 0,
      { timeoutMs: 60_000, intervalMs: 100 },
    );

    const [processor] = domain.processors;
    processor.child.kill('SIGKILL');
    await processor.exited;
    await receiver.listen();
    await domain.startProcessor();

    const received = await waitFor(
      'a message.stored event for each of the 20 recipients',
      () => {
        const seen = new Set(receiver?.accepted.map((event) => (event.data as { to?: string }).to));
        return recipients.every((to) => seen.has(to)) && seen;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(received.size).toBe(recipients.length);
  });
});
