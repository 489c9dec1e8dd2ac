import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyWebhook } from '@linker/client-sdk';
import { WEBHOOK_SIGNATURE_HEADER } from '@linker/contracts';
import { readyUrls, waitFor } from '@linker/testing';
import { fetchFrames } from '@linker/testing/e2e/mailbox-behaviour';
import { settle } from '@linker/testing/e2e/markers';
import { WebhookReceiver } from '@linker/testing/e2e/webhook-receiver';
import { EmbeddedRuns } from './testing/embedded-runs';

// docs/protocol.md, Mailbox limits, in embedded mode (the built entry, its LevelDB mailbox, a real webhook receiver):
// a mailbox over its app's cap keeps the newest messages, each one dropped is reported to the app's webhook as a
// signed message.dropped, and the processor counts it in linker_mailbox_dropped_total.

const SECRET = 'a-webhook-signing-secret-of-32-chars!';
const topology = (webhookUrl: string): string =>
  [
    'domains:',
    '  - name: domain-01',
    '    urls: [ "ws://127.0.0.1:8089" ]',
    'domainLinks: []',
    'clientApps:',
    '  - appName: ANZ',
    '    appId: app-id-343',
    '    authEnabled: false',
    '    mailbox: { maxMessages: 3 }',
    `    webhook: { url: "${webhookUrl}", secret: "${SECRET}", events: [message.dropped] }`,
  ].join('\n');

const METRICS_LINE = /metrics:\s+(\S+)/;

describe('mailbox limits (embedded mode)', () => {
  jest.setTimeout(60_000);
  const runs = new EmbeddedRuns();
  let receiver: WebhookReceiver | undefined;
  beforeEach(() => runs.prepare());
  afterEach(async () => {
    await runs.cleanUp();
    await receiver?.stop();
  });

  it('keeps the newest 3 of 5 messages, reports the 2 it dropped to the webhook, signed, and counts them', async () => {
    receiver = await WebhookReceiver.start();
    const file = join(runs.directory, 'capped.yaml');
    await writeFile(file, topology(receiver.url));
    const app = runs.start(['--topology', file, '--metrics-port', '0']);
    const { clientUrl } = await readyUrls(app);
    const metricsUrl = METRICS_LINE.exec(app.output())?.[1] as string;
    expect(metricsUrl).toMatch(/^http:\/\/.*\/metrics$/);

    const sender = await runs.login(clientUrl, 'ANZ-1001');
    for (let n = 1; n <= 5; n++) sender.send({ type: 'MESSAGE', data: { to: 'ANZ-1002', content: `message ${n}` } });
    await settle(runs, sender, 'ANZ-1001');
    const counted = /^linker_mailbox_dropped_total\{[^}]*app="ANZ"[^}]*reason="cap"[^}]*\} (\d+)$/m;
    await waitFor('2 drops counted on /metrics', async () => counted.exec(await (await fetch(metricsUrl)).text())?.[1] === '2');
    const hook = receiver;
    await waitFor('2 message.dropped events received', () => new Set(hook.accepted.map((event) => event.id)).size === 2);

    const recipient = await runs.login(clientUrl, 'ANZ-1002');
    const fetched = await fetchFrames(recipient, 10);
    expect(fetched.messages.map((frame) => (frame.data as { content: string }).content)).toEqual(['message 3', 'message 4', 'message 5']);
    expect(fetched.complete.data).toEqual({ leftMissingCount: 0 });
    const keptIds = new Set(fetched.messages.map((frame) => frame.id));
    const dropped = receiver.accepted;
    expect(dropped.every((event) => event.type === 'message.dropped' && event.app === 'ANZ')).toBe(true);
    expect(dropped.map((event) => event.data)).toEqual(
      expect.arrayContaining([
        { messageId: expect.any(String), to: 'ANZ-1002', reason: 'cap' },
        { messageId: expect.any(String), to: 'ANZ-1002', reason: 'cap' },
      ]),
    );
    for (const event of dropped) {
      const { messageId } = event.data as { messageId: string };
      expect(keptIds.has(messageId)).toBe(false);
      expect(event.id).toBe(`${messageId}.dropped.ANZ-1002`);
    }
    for (const request of receiver.requests) {
      const verified = await verifyWebhook(SECRET, String(request.headers[WEBHOOK_SIGNATURE_HEADER]), request.body);
      expect(verified.ok).toBe(true);
    }
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});
