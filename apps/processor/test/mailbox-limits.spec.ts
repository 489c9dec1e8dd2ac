import type { WebhookEvent } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { processorMetrics } from '../src/health/processor-metrics';
import { Harness, intake } from './testing/harness';
import { anzWith, captureWebhookEvents, TEST_WEBHOOK } from './testing/webhook-events';

jest.setTimeout(30_000);

// Mailbox limits (docs/protocol.md, Mailbox limits): over the cap or too old, the oldest are dropped, each with a
// message.dropped webhook event and a count in linker_mailbox_dropped_total, never silently.

const USER = 'ANZ-500';
const dropped = (events: readonly WebhookEvent[]) => events.filter((event) => event.type === 'message.dropped');

describe('mailbox limits', () => {
  const events = captureWebhookEvents();
  let harness: Harness | undefined;
  afterEach(async () => harness?.stop());

  it('drops the oldest beyond the cap, each with a message.dropped event, and counts them', async () => {
    harness = await Harness.start({ topology: anzWith({ webhook: TEST_WEBHOOK, mailbox: { maxMessages: 3 } }) });
    const t0 = Date.now();
    const messages = [1, 2, 3, 4, 5].map((n) =>
      intake({ type: 'MESSAGE', from: `ANZ-${n}`, data: { to: USER, content: `message ${n}` }, createdAt: t0 + n }),
    );
    for (const message of messages) await harness.send(message);
    await harness.settled();
    const processor = harness.processors[0];
    await waitFor(
      'the mailbox trimmed to its cap of 3',
      async () => (await harness?.mailbox.count(USER)) === 3 && processor.health().pendingTrims === 0,
    );

    const kept = await harness.mailbox.oldest(USER, 10);
    expect(kept.map((envelope) => envelope.id)).toEqual(messages.slice(2).map((m) => m.id));
    const drops = dropped(events);
    expect(drops.map((event) => event.data)).toEqual(
      expect.arrayContaining(messages.slice(0, 2).map((m) => ({ messageId: m.id, to: USER, reason: 'cap' }))),
    );
    expect(new Set(drops.map((event) => event.id))).toEqual(new Set(messages.slice(0, 2).map((m) => `${m.id}.dropped.${USER}`)));
    expect(drops.every((event) => event.app === 'ANZ' && event.domain === 'domain-01')).toBe(true);
    expect(processor.health().mailboxDropped).toEqual({ ANZ: { cap: 2, age: 0 } });
    const exposition = await processorMetrics(processor.health(), () => processor.health()).metrics.exposition();
    expect(exposition).toMatch(/^linker_mailbox_dropped_total\{app="ANZ",reason="cap",[^}]*\} 2$/m);
    expect(exposition).toContain('# TYPE linker_mailbox_dropped_total counter');
  });

  it('sweeps messages older than maxAgeSeconds, each with a message.dropped event, and counts them', async () => {
    const topology = anzWith({ webhook: TEST_WEBHOOK, mailbox: { maxAgeSeconds: 3600 } });
    harness = await Harness.start({ topology, settings: { mailboxSweepIntervalMs: 50 } });
    const now = Date.now();
    const old = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: USER, content: 'old' }, createdAt: now - 3_700_000 });
    const young = intake({ type: 'MESSAGE', from: 'ANZ-2', data: { to: USER, content: 'young' }, createdAt: now - 3_500_000 });
    await harness.send(old);
    await harness.send(young);
    await harness.settled();
    const processor = harness.processors[0];
    await waitFor('the old message swept', () => processor.health().mailboxDropped.ANZ?.age === 1);
    expect((await harness.mailbox.oldest(USER, 10)).map((m) => m.id)).toEqual([young.id]);
    expect(dropped(events)).toEqual([
      expect.objectContaining({ id: `${old.id}.dropped.${USER}`, data: { messageId: old.id, to: USER, reason: 'age' } }),
    ]);
  });

  it('keeps the defaults (10,000, 7 days) for an app without mailbox settings, and counts drops of apps without a webhook', async () => {
    harness = await Harness.start({ settings: { mailboxSweepIntervalMs: 50 } });
    const week = 7 * 24 * 3600 * 1000;
    const old = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: USER, content: 'old' }, createdAt: Date.now() - week - 60_000 });
    const recent = intake({
      type: 'MESSAGE',
      from: 'ANZ-2',
      data: { to: USER, content: 'recent' },
      createdAt: Date.now() - week + 600_000,
    });
    await harness.send(old);
    await harness.send(recent);
    await harness.settled();
    await waitFor('the old message swept', () => harness?.processors[0].health().mailboxDropped.ANZ?.age === 1);
    expect((await harness.mailbox.oldest(USER, 10)).map((m) => m.id)).toEqual([recent.id]);
    expect(dropped(events)).toEqual([]);
  });

  it('lets several processors sweep at once: each message is removed and counted once, its events share one id', async () => {
    const topology = anzWith({ webhook: TEST_WEBHOOK, mailbox: { maxAgeSeconds: 60 } });
    harness = await Harness.start({ topology, processors: 3, settings: { mailboxSweepIntervalMs: 20 } });
    const old = [1, 2, 3, 4, 5, 6].map((n) =>
      intake({ type: 'MESSAGE', from: `ANZ-${n}`, data: { to: `ANZ-${600 + n}`, content: 'old' }, createdAt: Date.now() - 120_000 }),
    );
    for (const message of old) await harness.send(message);
    await harness.settled();
    const total = () => harness?.processors.reduce((sum, p) => sum + (p.health().mailboxDropped.ANZ?.age ?? 0), 0);
    await waitFor(
      'every old message swept',
      async () => total() === 6 && (await harness?.mailbox.olderThan(Date.now(), 'ANZ-', 10))?.length === 0,
    );
    expect(total()).toBe(6);
    expect(new Set(dropped(events).map((event) => event.id)).size).toBe(6);
  });
});
