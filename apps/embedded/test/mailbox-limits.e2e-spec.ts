import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readyUrls, waitFor } from '@linker/testing';
import { fetchFrames } from '@linker/testing/e2e/mailbox-behaviour';
import { settle } from '@linker/testing/e2e/markers';
import { EmbeddedRuns } from './testing/embedded-runs';

// docs/protocol.md, Mailbox limits, in embedded mode (the built entry, its LevelDB mailbox): a mailbox over its app's
// cap keeps the newest messages, and the processor counts each one it dropped in linker_mailbox_dropped_total.

const TOPOLOGY = [
  'domains:',
  '  - name: domain-01',
  '    urls: [ "ws://127.0.0.1:8089" ]',
  'domainLinks: []',
  'clientApps:',
  '  - { appName: ANZ, appId: app-id-343, authEnabled: false, mailbox: { maxMessages: 3 } }',
].join('\n');

const METRICS_LINE = /metrics:\s+(\S+)/;

describe('mailbox limits (embedded mode)', () => {
  jest.setTimeout(60_000);
  const runs = new EmbeddedRuns();
  beforeEach(() => runs.prepare());
  afterEach(() => runs.cleanUp());

  it('keeps the newest 3 of 5 messages and counts the 2 it dropped', async () => {
    const file = join(runs.directory, 'capped.yaml');
    await writeFile(file, TOPOLOGY);
    const app = runs.start(['--topology', file, '--metrics-port', '0']);
    const { clientUrl } = await readyUrls(app);
    const metricsUrl = METRICS_LINE.exec(app.output())?.[1] as string;
    expect(metricsUrl).toMatch(/^http:\/\/.*\/metrics$/);

    const sender = await runs.login(clientUrl, 'ANZ-1001');
    for (let n = 1; n <= 5; n++) sender.send({ type: 'MESSAGE', data: { to: 'ANZ-1002', content: `message ${n}` } });
    await settle(runs, sender, 'ANZ-1001');
    const counted = /^linker_mailbox_dropped_total\{[^}]*app="ANZ"[^}]*reason="cap"[^}]*\} (\d+)$/m;
    await waitFor('2 drops counted on /metrics', async () => counted.exec(await (await fetch(metricsUrl)).text())?.[1] === '2');

    const recipient = await runs.login(clientUrl, 'ANZ-1002');
    const fetched = await fetchFrames(recipient, 10);
    expect(fetched.messages.map((frame) => (frame.data as { content: string }).content)).toEqual(['message 3', 'message 4', 'message 5']);
    expect(fetched.complete.data).toEqual({ leftMissingCount: 0 });
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});
