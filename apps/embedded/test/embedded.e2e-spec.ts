import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readyUrls } from '@linker/testing';
import { fetchFrames } from '@linker/testing/e2e/mailbox-behaviour';
import { settle } from '@linker/testing/e2e/markers';
import {
  SEED_AUTH_CLIENT,
  SEED_AUTH_CLIENT_REPLY,
  SEED_CONTENT,
  SEED_FETCH,
  SEED_MESSAGE,
  SEED_USERS,
} from '@linker/testing/e2e/seed-readme';
import { EmbeddedRuns } from './testing/embedded-runs';

// `npm start`'s entry (the built dist/apps/embedded/src/main.js, as scripts/start.sh runs it) as a real process:
// the default topology answers the original README's flow, flags are checked, and the mailbox survives a restart.

/** What the README's code puts on the wire: `JSON.stringify` of its object literal. */
const wire = (literal: string): string => JSON.stringify(JSON.parse(literal));

describe('embedded mode (npm start)', () => {
  jest.setTimeout(60_000);
  const runs = new EmbeddedRuns();
  beforeEach(() => runs.prepare());
  afterEach(() => runs.cleanUp());

  it("answers the original README's flow on the default topology: auth as ANZ-123223, message to ANZ-1232121, fetch", async () => {
    const app = runs.start();
    const { clientUrl, metaServerUrl } = await readyUrls(app);
    expect(app.output()).toMatch(/"appName":"ANZ".*authEnabled: false/);
    const sender = await runs.open(clientUrl, SEED_USERS.sender);
    sender.send(wire(SEED_AUTH_CLIENT));
    expect(await sender.next('AUTH_CLIENT_REPLY')).toEqual(SEED_AUTH_CLIENT_REPLY);
    sender.send(wire(SEED_MESSAGE));
    await settle(runs, sender, SEED_USERS.sender);
    expect(sender.all('MESSAGE_CONFIRMATION')).toEqual([]); // stored, not delivered yet

    const recipient = await runs.login(clientUrl, SEED_USERS.recipient);
    recipient.send(wire(SEED_FETCH));
    const complete = await recipient.next('FETCH_MISSING_MESSAGES_COMPLETE');
    expect(recipient.frames.slice(1)).toEqual([
      { type: 'MESSAGE', data: { from: SEED_USERS.sender, content: SEED_CONTENT }, reference: 'abc123', id: expect.any(String) },
      { type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 0 } },
    ]);
    expect(complete.data).toEqual({ leftMissingCount: 0 });
    expect(await sender.next('MESSAGE_CONFIRMATION')).toEqual({ type: 'MESSAGE_CONFIRMATION', data: { reference: 'abc123' } });

    const apps = await fetch(`${metaServerUrl}/clientApps`);
    expect(apps.status).toBe(200);
    expect(JSON.stringify(await apps.json())).toContain('"app-id-343"');
    expect(await app.stop('SIGTERM')).toBe(0);
  });

  it('--help lists every flag and exits 0', async () => {
    const app = runs.run(['--help']);
    expect(await app.exited).toBe(0);
    for (const flag of [
      '--topology',
      '--domain',
      '--ws-port',
      '--meta-port',
      '--ui-port',
      '--no-meta-server',
      '--no-ui',
      '--data-dir',
      '--host',
      '--log-level',
      '--help',
    ]) {
      expect(app.output()).toContain(flag);
    }
    expect(app.output()).toMatch(/^Usage: npm start/);
  });

  it('refuses bad flags with exit code 64, listing every problem at once, then the usage', async () => {
    const app = runs.run(['--ws-port', 'x', '--meta-port', '70000', '--log-level', 'loud']);
    expect(await app.exited).toBe(64);
    expect(app.output()).toContain('--ws-port must be a port number (0-65535), got "x"');
    expect(app.output()).toContain('--meta-port must be a port number (0-65535), got "70000"');
    expect(app.output()).toContain('--log-level must be one of debug, info, warn, error, silent, got "loud"');
    expect(app.output()).toContain('Usage: npm start');
    const unknown = runs.run(['--colour']);
    expect(await unknown.exited).toBe(64);
    expect(unknown.output()).toMatch(/Unknown option '--colour'[\s\S]*Usage: npm start/);
  });

  it('exits 1 naming the domains of the topology when --domain is not one of them', async () => {
    const app = runs.start(['--domain', 'domain-99']);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('domain domain-99 is not in the topology (it has: domain-01)');
    const ring = runs.start(['--topology', 'topologies/four-domain-ring.yaml', '--domain', 'nowhere']);
    expect(await ring.exited).toBe(1);
    expect(ring.output()).toMatch(/domain nowhere is not in the topology \(it has: domain-01, domain-02, domain-03, domain-04\)/);
  });

  it('exits 1 on an invalid topology, listing every problem with its path (a blank authUrl among them)', async () => {
    const file = join(runs.directory, 'bad.yaml');
    const yaml = [
      'domains:',
      '  - name: domain-01',
      '    urls: [ "ws://127.0.0.1:8089" ]',
      'domainLinks:',
      '  - { n1: domain-01, n2: domain-06 }',
      'clientApps:',
      '  - { appName: ANZ, appId: app-id-343, authUrl: "" }',
    ].join('\n');
    await writeFile(file, yaml);
    const app = runs.start(['--topology', file]);
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/clientApps\[0\]\.authUrl/);
    expect(app.output()).toMatch(/domainLinks\[0\]/);
  });

  it('keeps stored messages (and the confirmations they earn) across a restart on the same data directory', async () => {
    const dataDir = join(runs.directory, 'kept');
    const first = runs.start([], dataDir);
    const url = (await readyUrls(first)).clientUrl;
    const sender = await runs.login(url, 'ANZ-1001');
    for (const reference of ['keep-1', 'keep-2'])
      sender.send({ type: 'MESSAGE', data: { to: 'ANZ-1002', content: `kept ${reference}` }, reference });
    await settle(runs, sender, 'ANZ-1001');
    await sender.close();
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = runs.start([], dataDir);
    const again = (await readyUrls(second)).clientUrl;
    const recipient = await runs.login(again, 'ANZ-1002');
    const fetched = await fetchFrames(recipient, 10);
    expect(fetched.messages.map((f) => [f.data, f.reference])).toEqual([
      [{ from: 'ANZ-1001', content: 'kept keep-1' }, 'keep-1'],
      [{ from: 'ANZ-1001', content: 'kept keep-2' }, 'keep-2'],
    ]);
    expect(fetched.complete.data).toEqual({ leftMissingCount: 0 });
    const back = await runs.login(again, 'ANZ-1001');
    back.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 10 } });
    await back.count('MESSAGE_CONFIRMATION', 2);
    expect(back.all('MESSAGE_CONFIRMATION').map((f) => f.data)).toEqual([{ reference: 'keep-1' }, { reference: 'keep-2' }]);
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
