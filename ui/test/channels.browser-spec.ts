import { byTestId, saveScreenshot, waitFor } from '@linker/testing';
import type { Topology } from '@linker/topology';
import type { Page } from 'playwright-core';
import { ANZ, connectAs, singleDomainTopology, uiSuite, type UiDomain } from './testing/ui-domain';

// Channels in the chat console and the team map, in Debian's Chromium, against the web UI served by the embedded
// mode: publications reach a second browser page subscribed to the same channel, refusals show their code, and the
// team map draws the workers a simulation publishes and moves them.

/** The app's key for the server API (the backend's publications). */
const API_KEY = 'browser-test-api-key-of-at-least-32-characters';

/** The original's app with channels: chat rooms that keep a history, team channels anyone may publish to, a private feed. */
function channelsTopology(): Topology {
  const topology = singleDomainTopology();
  topology.clientApps[0].apiKey = API_KEY;
  topology.clientApps[0].channels = [
    { pattern: 'room-*', subscribe: 'public', publish: 'clients', history: { size: 100, ttlSeconds: 300 } },
    { pattern: 'team-*', subscribe: 'public', publish: 'clients' },
    { pattern: 'news', subscribe: 'token', publish: 'server' },
  ];
  return topology;
}

/** Subscribe to `channel` in the chat console's channels card. */
async function subscribe(page: Page, channel: string, token = ''): Promise<void> {
  await byTestId(page, 'chan-name').fill(channel);
  await byTestId(page, 'chan-token').fill(token);
  await byTestId(page, 'chan-subscribe').click();
}

/** Publish `data` to `channel` from the channels card. */
async function publish(page: Page, channel: string, data: string, format: 'text' | 'json', lane: 'RELIABLE' | 'FAST'): Promise<void> {
  await byTestId(page, 'chan-pub-channel').fill(channel);
  await byTestId(page, 'chan-pub-data').fill(data);
  await byTestId(page, 'chan-pub-format').selectOption(format);
  await byTestId(page, 'chan-pub-lane').selectOption(lane);
  await byTestId(page, 'chan-publish').click();
}

/** The app's backend publishes `data` to `channel` (server API, RELIABLE). */
async function publishAsBackend(domain: UiDomain, channel: string, data: unknown): Promise<void> {
  const base = domain.connectorUrls[0].replace(/^ws/, 'http').replace(/\/ws$/, '');
  const response = await fetch(`${base}/api/v1/channels/${encodeURIComponent(channel)}/publications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  expect(response.status).toBe(202);
}

/** The last position the team map shows for `worker` (`data-pos`), once it shows one. */
async function positionOf(page: Page, worker: string): Promise<string> {
  const mark = byTestId(page, 'map-worker', { worker });
  await mark.waitFor({ state: 'attached' });
  return (await mark.getAttribute('data-pos')) ?? '';
}

describe('web UI: channels and the team map', () => {
  const ui = uiSuite();

  it('a publication made in one page reaches another page subscribed to the channel, with its publisher and offset', async () => {
    const domain = await ui.start(channelsTopology());
    const alice = await ui.open(domain, 'ANZ-1', '#/chat');
    const bob = await ui.open(domain, 'ANZ-2', '#/chat');
    await connectAs(alice, 'ANZ-1');
    await connectAs(bob, 'ANZ-2');
    await subscribe(alice, 'ANZ:room-1');
    await subscribe(bob, 'ANZ:room-1');
    // A channel with a history: SUBSCRIBED says where it is (nothing published yet: offset 0).
    await byTestId(alice, 'chan-sub', { channel: 'ANZ:room-1', state: 'subscribed', offset: '0' }).waitFor();
    await byTestId(bob, 'chan-sub', { channel: 'ANZ:room-1', state: 'subscribed', offset: '0' }).waitFor();

    await publish(alice, 'ANZ:room-1', 'hello channel', 'text', 'RELIABLE');
    const atBob = byTestId(bob, 'chan-publication', { channel: 'ANZ:room-1', from: 'ANZ-1', offset: '1' });
    await atBob.filter({ hasText: 'hello channel' }).waitFor();
    // The publisher's own socket gets it too, and the server accepted it.
    await byTestId(alice, 'chan-publication', { channel: 'ANZ:room-1', from: 'ANZ-1', offset: '1' }).waitFor();
    await byTestId(alice, 'chan-pub-result', { status: 'accepted' }).waitFor();

    // JSON on the FAST lane: no offset (never kept), shown as JSON.
    await publish(bob, 'ANZ:room-1', '{"n": 2}', 'json', 'FAST');
    const fast = byTestId(alice, 'chan-publication', { channel: 'ANZ:room-1', from: 'ANZ-2' }).filter({ hasText: '{"n":2}' });
    await fast.waitFor();
    expect(await fast.getAttribute('data-offset')).toBeNull();
    await byTestId(bob, 'chan-sub', { channel: 'ANZ:room-1', offset: '1' }).waitFor();
    expect(await atBob.count()).toBe(1);

    // Unsubscribed, Bob no longer gets the channel's publications.
    await byTestId(bob, 'chan-sub', { channel: 'ANZ:room-1' }).locator('[data-testid="chan-unsubscribe"]').click();
    await byTestId(bob, 'chan-sub').waitFor({ state: 'detached' });
    await publish(alice, 'ANZ:room-1', 'after bob left', 'text', 'RELIABLE');
    await byTestId(alice, 'chan-publication', { offset: '2' }).filter({ hasText: 'after bob left' }).waitFor();
    expect(await byTestId(bob, 'chan-publication').count()).toBe(0);
    await saveScreenshot(alice, 'channels');
  });

  it('refusals show their code: a channel no rule names, a token channel without a token, a publish where only the server may', async () => {
    const domain = await ui.start(channelsTopology());
    const page = await ui.open(domain, 'ANZ-5', '#/chat');
    await connectAs(page, 'ANZ-5');

    await subscribe(page, 'ANZ:nowhere');
    await byTestId(page, 'chan-sub', { channel: 'ANZ:nowhere', state: 'refused', code: 'UNKNOWN_CHANNEL' }).waitFor();
    await byTestId(page, 'chat-error', { code: 'UNKNOWN_CHANNEL' }).waitFor();

    await subscribe(page, 'ANZ:news');
    await byTestId(page, 'chan-sub', { channel: 'ANZ:news', state: 'refused', code: 'NOT_ALLOWED' }).waitFor();

    await publish(page, 'ANZ:news', 'not mine to say', 'text', 'RELIABLE');
    await byTestId(page, 'chan-pub-result', { status: 'refused', code: 'NOT_ALLOWED' }).waitFor();

    // Not JSON: refused in the page, nothing sent.
    await publish(page, 'ANZ:room-1', '{oops', 'json', 'RELIABLE');
    await byTestId(page, 'chat-error').filter({ hasText: 'Not JSON' }).waitFor();
  });

  it('when the connection reaches its lifetime (4009), the subscription says recovered and what the backend published meanwhile shows once', async () => {
    const env = { LINKER_MAX_CONNECTION_LIFETIME_MS: '3000', LINKER_LIFETIME_DITHER_MS: '500' };
    const domain = await ui.start(channelsTopology(), undefined, env);
    const page = await ui.open(domain, 'ANZ-8', '#/chat');
    await connectAs(page, 'ANZ-8');
    await subscribe(page, 'ANZ:room-9');
    await byTestId(page, 'chan-sub', { channel: 'ANZ:room-9', state: 'subscribed' }).waitFor();

    // The backend publishes about three a second until the page has come back once (the socket lives 3 to 3.5 s).
    let published = 0;
    const recovered = byTestId(page, 'chan-sub', { channel: 'ANZ:room-9', continuity: 'recovered' });
    await waitFor(
      'the subscription to be recovered after a 4009',
      async () => {
        published += 1;
        await publishAsBackend(domain, 'ANZ:room-9', { n: published });
        return (await recovered.count()) > 0;
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    await byTestId(page, 'chat-error', { code: '4009' }).first().waitFor();
    published += 1;
    await publishAsBackend(domain, 'ANZ:room-9', { n: published });

    // Every publication once, in order of offset, none missing: those made while the page reconnected came again.
    await byTestId(page, 'chan-publication', { channel: 'ANZ:room-9', offset: String(published) }).waitFor();
    const offsets = await page
      .locator('[data-testid="chan-publication"][data-channel="ANZ:room-9"]')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-offset'))));
    expect([...offsets].sort((a, b) => a - b)).toEqual(Array.from({ length: published }, (_, i) => i + 1));
  });

  it('the team map draws a dot per simulated worker, moves it as positions arrive, and shows a real publisher too', async () => {
    const domain = await ui.start(channelsTopology());
    const manager = await ui.open(domain, ANZ.master, '#/map');
    await connectAs(manager, ANZ.master, 'map');
    await byTestId(manager, 'map-channel').fill('ANZ:team-1');
    await byTestId(manager, 'map-watch').click();
    await byTestId(manager, 'map-sub', { state: 'subscribed' }).waitFor();

    const workers = 4;
    await byTestId(manager, 'map-sim-count').fill(String(workers));
    await byTestId(manager, 'map-sim-start').click();
    await byTestId(manager, 'map-stats', { workers: String(workers) }).waitFor();
    expect(await byTestId(manager, 'map-worker').count()).toBe(workers);

    // Every 550 ms each worker takes a step: its dot moves when the next position arrives.
    const before = await positionOf(manager, 'sim-1');
    const moved = await waitFor('sim-1 to move on the map', async () => {
      const now = await positionOf(manager, 'sim-1');
      return now !== before ? now : undefined;
    });
    expect(moved).not.toBe(before);
    // A few steps more, so the screenshot shows trails.
    const sim1 = byTestId(manager, 'map-worker', { worker: 'sim-1' });
    await waitFor('sim-1 to have published 6 positions', async () => Number(await sim1.getAttribute('data-count')) >= 6);
    await saveScreenshot(manager, 'team-map');

    // A worker of its own, publishing {x, y} from the chat console: its dot is named after the publishing user.
    const worker = await ui.open(domain, 'ANZ-7', '#/chat');
    await connectAs(worker, 'ANZ-7');
    await publish(worker, 'ANZ:team-1', '{"x": 5, "y": 7}', 'json', 'FAST');
    await byTestId(manager, 'map-stats', { workers: String(workers + 1) }).waitFor();
    expect(await positionOf(manager, 'ANZ-7')).toBe('5,7');

    await byTestId(manager, 'map-sim-stop').click();
    await byTestId(manager, 'map-sim-state', { running: 'false' }).waitFor();
  });
});
