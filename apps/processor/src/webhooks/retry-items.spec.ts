import type { WebhookEvent } from '@linker/contracts';
import { mergeWaiting, retryItem, type RetryItem } from './retry-items';

// Waiting batches of one app and one attempt count are merged, so a backlog of small batches stays few records.

const event = (n: number, app = 'ANZ'): WebhookEvent => ({
  id: `m${n}.stored.${app}-2`,
  type: 'message.stored',
  app,
  domain: 'd',
  at: n,
  data: { messageId: `m${n}`, to: `${app}-2`, from: `${app}-1` },
});

function item(app: string, from: number, count: number, attempt: number, at: number): RetryItem {
  const events = Array.from({ length: count }, (_, i) => event(from + i, app));
  return { ...retryItem(app, events, attempt, at, () => 0.5), due: at + 1_000 };
}

describe('mergeWaiting', () => {
  it('merges one app and attempt count into items of up to 100 events, due and first tried at the earliest', () => {
    const items = [item('ANZ', 0, 60, 2, 5_000), item('ANZ', 60, 30, 2, 1_000), item('ANZ', 90, 20, 2, 3_000)];
    const { items: merged, replaced } = mergeWaiting(items);
    expect(merged.map((m) => [m.events.length, m.firstAt, m.due, m.id])).toEqual([
      [90, 1_000, 2_000, 'm0.stored.ANZ-2+90'],
      [20, 3_000, 4_000, items[2].id],
    ]);
    expect(replaced).toEqual([items[0], items[1]]);
    expect(merged.flatMap((m) => m.events)).toEqual(items.flatMap((i) => i.events));
  });

  it('keeps apart other apps and other attempt counts', () => {
    const items = [item('ANZ', 0, 1, 1, 0), item('OTHER', 1, 1, 1, 0), item('ANZ', 2, 1, 3, 0)];
    expect(mergeWaiting(items)).toEqual({ items, replaced: [] });
  });
});
