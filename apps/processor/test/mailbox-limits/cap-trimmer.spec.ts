import type { BusErrorCode } from '@linker/bus';
import { LinkerError, systemClock } from '@linker/kernel';
import { MemoryMailbox, type MailboxEntry } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { waitFor } from '@linker/testing';
import { mailboxEnvelope } from '@linker/testing/contracts/mailbox.contract';
import { TopologyView } from '@linker/topology';
import type { Effects } from '../../src/dispatch/effects';
import { CapTrimmer } from '../../src/mailbox-limits/cap-trimmer';
import { DropCounts, MailboxDrops } from '../../src/mailbox-limits/mailbox-drops';

jest.setTimeout(30_000);

// The cap, after a batch's stores: once per user and batch, reported before removed, retried until both happened.

const view = new TopologyView({
  domains: [{ name: 'domain-01', urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'anz',
      authEnabled: false,
      mailbox: { maxMessages: 2 },
      webhook: { url: 'http://127.0.0.1:9/', secret: 'a-webhook-signing-secret-of-32-chars!' },
    },
  ],
});

function setup(apply: (effects: readonly Effects[]) => Promise<unknown>) {
  const mailbox = new MemoryMailbox();
  const counts = new DropCounts();
  const order: string[] = [];
  const dispatcher = {
    apply: async (effects: readonly Effects[]) => {
      await apply(effects);
      order.push(...effects.flatMap((effect) => effect.webhooks.map((event) => `event ${event.id}`)));
      return [];
    },
  };
  const remove = mailbox.remove.bind(mailbox);
  jest.spyOn(mailbox, 'remove').mockImplementation(async (userId, ids) => {
    order.push(...ids.map((id) => `remove ${id}`));
    return remove(userId, ids);
  });
  const drops = new MailboxDrops({ mailbox, dispatcher: dispatcher as never, domain: 'domain-01', counts });
  const trimmer = new CapTrimmer({ mailbox, drops, topology: () => view, clock: systemClock, logger: silentLogger });
  return { mailbox, counts, order, trimmer };
}

const series = (userId: string, count: number): MailboxEntry[] =>
  Array.from({ length: count }, (_, n) => ({ userId, envelope: mailboxEnvelope(userId, { createdAt: 1_000 + n }) }));

describe('CapTrimmer', () => {
  it('trims each user once for a batch that stored several of its messages, reporting each drop before removing it', async () => {
    const { mailbox, counts, order, trimmer } = setup(async () => undefined);
    const mine = series('ANZ-1', 5);
    const theirs = series('ANZ-2', 3);
    await mailbox.store([...mine, ...theirs]);
    const overCap = jest.spyOn(mailbox, 'overCap');
    trimmer.stored([...mine, ...theirs]);
    await waitFor('both users trimmed', () => trimmer.size === 0 && counts.snapshot().ANZ?.cap === 4);
    expect(overCap.mock.calls.map(([user]) => user).sort()).toEqual(['ANZ-1', 'ANZ-2']);
    expect(await mailbox.count('ANZ-1')).toBe(2);
    expect(await mailbox.count('ANZ-2')).toBe(2);
    for (const { userId, envelope } of [...mine.slice(0, 3), theirs[0]]) {
      const reported = order.indexOf(`event ${envelope.id}.dropped.${userId}`);
      expect(reported).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(`remove ${envelope.id}`)).toBeGreaterThan(reported);
    }
    await trimmer.stop();
  });

  it('removes nothing while the events cannot be queued, and tries again until they are', async () => {
    let failures = 1;
    const { mailbox, counts, order, trimmer } = setup(async () => {
      if (failures-- > 0) throw new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'the webhook topic is unavailable', { retriable: true });
    });
    const mine = series('ANZ-1', 3);
    await mailbox.store(mine);
    trimmer.stored(mine);
    await waitFor('the first attempt failed', () => failures <= 0);
    expect(await mailbox.count('ANZ-1')).toBe(3);
    await waitFor('the retry dropped the oldest', () => counts.snapshot().ANZ?.cap === 1, { timeoutMs: 15_000 });
    expect(order).toEqual([`event ${mine[0].envelope.id}.dropped.ANZ-1`, `remove ${mine[0].envelope.id}`]);
    expect(await mailbox.count('ANZ-1')).toBe(2);
    await trimmer.stop();
  });
});
