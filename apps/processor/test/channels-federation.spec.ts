import { INTERNAL_TYPES, SYSTEM, type ChannelInterest, type Delivery } from '@linker/contracts';
import { channelKey } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { startRing, type RingDomain } from './testing/ring';

// Channels across domains (ADR 0018): on the four-domain ring on twins (links 01-02, 02-03, 03-04, 04-01), subscribers
// in domain-02 and domain-03; a publication from domain-01 crosses 01→02 and 02→03 once each, and never 01→04.

const CHANNEL = 'ANZ:chat-1';

jest.setTimeout(30_000);

describe('channel publications across the ring', () => {
  let domains: Map<string, RingDomain>;
  const domain = (name: string): RingDomain => domains.get(name) as RingDomain;

  beforeEach(async () => {
    // The warmup (every domain presumed interested) is over at once: only announced interest counts.
    ({ domains } = await startRing(undefined, { channelInterestMs: 1 }));
  });

  afterEach(async () => {
    await Promise.all([...domains.values()].map((d) => d.stop()));
  });

  /** `d`'s connector announces `channels` (FAST: lost while a link is not up yet, so announced again until heard). */
  const announce = (d: RingDomain, channels: string[]): Promise<unknown> => {
    const data: ChannelInterest = { domain: d.name, connector: 'connector-01', channels, ttlMs: 60_000 };
    return d.send({ type: INTERNAL_TYPES.CHANNEL_INTEREST, from: SYSTEM, lane: 'FAST', data });
  };

  /** Until a marker from domain-01 reaches every domain of `subscribed`, they announce the channel and 01 publishes one. */
  async function interestHeard(subscribed: RingDomain[]): Promise<number> {
    let markers = 0;
    await waitFor(`the interest of ${subscribed.map((d) => d.name).join(' and ')} to reach domain-01`, async () => {
      if (subscribed.every((d) => publications(d, 'marker').length > 0)) return true;
      for (const d of subscribed) await announce(d, [CHANNEL]);
      markers += 1;
      await domain('domain-01').send({ type: 'PUBLISH', from: 'ANZ-1', to: CHANNEL, data: { channel: CHANNEL, data: 'marker' } });
      return false;
    });
    return markers;
  }

  const publications = (d: RingDomain, data: unknown): Delivery[] =>
    d.received.filter(
      (r) => r.envelope.type === 'PUBLICATION' && JSON.stringify((r.envelope.data as { data: unknown }).data) === JSON.stringify(data),
    );

  /** Envelopes `d` has sent over its link to `peer` so far. */
  const sent = (d: RingDomain, peer: string): number => d.health().links?.find((l) => l.peer === peer)?.sentEnvelopes ?? 0;

  it('reaches each domain with subscribers once, one envelope per link on the way, and no domain without', async () => {
    const [d1, d2, d3, d4] = ['domain-01', 'domain-02', 'domain-03', 'domain-04'].map(domain);
    await d2.connect(channelKey(CHANNEL));
    await d3.connect(channelKey(CHANNEL));
    const markers = await interestHeard([d2, d3]);
    const before = { d12: sent(d1, 'domain-02'), d14: sent(d1, 'domain-04'), d23: sent(d2, 'domain-03') };

    await d1.send({ type: 'PUBLISH', from: 'ANZ-1', to: CHANNEL, data: { channel: CHANNEL, data: { n: 1 } } });
    const [two, three] = [
      await waitFor('domain-02 to get it', () => publications(d2, { n: 1 })[0]),
      await waitFor('domain-03 to get it', () => publications(d3, { n: 1 })[0]),
    ];
    for (const delivery of [two, three]) {
      expect(delivery.envelope).toMatchObject({
        type: 'PUBLICATION',
        to: CHANNEL,
        data: { channel: CHANNEL, data: { n: 1 }, from: 'ANZ-1' },
      });
      expect(delivery.targets).toEqual([]);
    }
    expect(three.envelope.path).toEqual(['domain-01', 'domain-02', 'domain-03']);
    // A marker behind it on the same ways: anything repeated would have arrived by then.
    await d1.send({ type: 'PUBLISH', from: 'ANZ-1', to: CHANNEL, data: { channel: CHANNEL, data: 'last' } });
    await waitFor('the last marker in domain-03', () => publications(d3, 'last').length > 0);
    expect([publications(d2, { n: 1 }).length, publications(d3, { n: 1 }).length]).toEqual([1, 1]);
    expect(publications(d4, { n: 1 })).toEqual([]);
    expect({
      d12: sent(d1, 'domain-02') - before.d12,
      d14: sent(d1, 'domain-04') - before.d14,
      d23: sent(d2, 'domain-03') - before.d23,
    }).toEqual({
      d12: 2,
      d14: 0,
      d23: 2,
    });
    expect(markers).toBeGreaterThan(0);
  });

  it('stops going to a domain once its connector announces the channel gone', async () => {
    const [d1, d2] = [domain('domain-01'), domain('domain-02')];
    await d2.connect(channelKey(CHANNEL));
    await d1.connect('ANZ-1');
    await interestHeard([d2]);
    await announce(d2, []);
    let settles = 0;
    await waitFor('domain-01 to stop sending to domain-02', async () => {
      const before = sent(d1, 'domain-02');
      await d1.send({ type: 'PUBLISH', from: 'ANZ-1', to: CHANNEL, data: { channel: CHANNEL, data: 'probe' } });
      // The probe was handled once a message behind it from the same sender was: compare the link's count then.
      await d1.send({ type: 'MESSAGE', from: 'ANZ-1', to: 'ANZ-1', data: { content: 'settle' } });
      await d1.next('MESSAGE', ++settles);
      return sent(d1, 'domain-02') === before;
    });
  });
});
