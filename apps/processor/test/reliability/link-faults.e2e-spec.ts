import { join } from 'node:path';
import { setTimeout as until } from 'node:timers/promises'; // the fault's own pace
import { BATTERY_APP_ID, runFaultCase, startRealFederation, waitFor, type RealFederation, type TrafficOptions } from '@linker/testing';
import { readTopologyFile } from '@linker/topology';

// The fault battery, links between domains: the four-domain ring (01-02, 02-03, 03-04, 04-01) in real mode, steady
// traffic between users of domain-01 and domain-02 both ways, and the link between those two cut (each one's link
// endpoint is behind a proxy that drops what the other dials): once for 20 s (`npm run chaos`: longer), once cut and
// restored every few seconds for a minute. The messages must take the long way round (01-04-03-02) while the link is
// cut, and nothing accepted may be lost or shown twice (see process-faults.e2e-spec.ts).

const RING = join(__dirname, '../../../../topologies/four-domain-ring.yaml');
/** How long the link stays cut: 20 s, or what `npm run chaos` asks for. */
const OUTAGE_MS = Number(process.env.LINKER_FAULT_OUTAGE_MS ?? 20_000);
const FLAPPING_MS = 60_000;
const FLAP_EVERY_MS = 3_000;

jest.setTimeout(240_000 + OUTAGE_MS + FLAPPING_MS);

/** The first user numbers of domain-01 and domain-02 the battery uses (the ring's distributions: 0-999999, 1000000-2999999). */
const HOMES = [400_000, 1_400_000];

/**
 * The battery's traffic between domain-01's and domain-02's connectors: pair `i` sends from connector `i mod 2` to
 * the other, so each user number is given a user of the domain its connector serves.
 */
function ringTraffic(federation: RealFederation, firstUser: number): Omit<TrafficOptions, 'ledger'> {
  const urls = ['domain-01', 'domain-02'].map((name) => federation.domain(name).connectorUrl);
  const connectorOf = (n: number): number => ((n >> 1) + (n % 2)) % 2;
  return {
    urls,
    appId: BATTERY_APP_ID,
    userId: (n) => `ANZ-${HOMES[connectorOf(n)] + firstUser + n}`,
    pairs: 6,
    rates: { RELIABLE: 20, FAST: 5 },
  };
}

describe('fault battery: a link between two domains of the four-domain ring', () => {
  let federation: RealFederation;

  beforeAll(async () => {
    const { topology } = await readTopologyFile(RING);
    federation = await startRealFederation({ topology, extra: { proxied: ['domain-01', 'domain-02'] } });
  }, 240_000);

  afterAll(async () => {
    await federation?.close();
  }, 60_000);

  const bothSeeItDown = (): Promise<unknown> =>
    waitFor(
      'domain-01 and domain-02 to see the link between them down',
      () => ['domain-01', 'domain-02'].every((name, i, both) => federation.linkState(name, both[1 - i]) === 'down'),
      {
        timeoutMs: 30_000,
        intervalMs: 50,
      },
    );
  const linksUp = (): Promise<unknown> => Promise.all(['domain-01', 'domain-02'].map((name) => federation.linksUp(name, 60_000)));

  it('cut: the traffic takes the long way round while the link is down, and nothing is lost or shown twice', async () => {
    const result = await runFaultCase({
      name: 'link cut',
      injected: `the link between two neighbours of the four-domain ring cut (partition) for ${OUTAGE_MS / 1000} s, then restored`,
      traffic: ringTraffic(federation, 0),
      inject: async (ledger) => {
        federation.partition('domain-01', 'domain-02');
        const [cut, cutAt] = [ledger.mark(), Date.now()];
        await bothSeeItDown();
        await waitFor(
          `${OUTAGE_MS / 1000} s of cut link, and 20 RELIABLE messages sent after the cut delivered the long way round`,
          () => Date.now() - cutAt >= OUTAGE_MS && ledger.shownSince(cut) >= 20,
          {
            timeoutMs: OUTAGE_MS + 30_000,
            intervalMs: 50,
          },
        );
        federation.heal('domain-01', 'domain-02');
        await linksUp();
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('flapping: cut and restored every 3 s for a minute, nothing is lost or shown twice', async () => {
    await linksUp();
    const result = await runFaultCase({
      name: 'link flapping',
      injected: `the link between two neighbours of the four-domain ring cut and restored every ${FLAP_EVERY_MS / 1000} s for ${FLAPPING_MS / 1000} s`,
      traffic: ringTraffic(federation, 10_000),
      inject: async () => {
        for (const started = Date.now(); Date.now() - started < FLAPPING_MS;) {
          federation.partition('domain-01', 'domain-02');
          await bothSeeItDown();
          await until(FLAP_EVERY_MS);
          federation.heal('domain-01', 'domain-02');
          await until(FLAP_EVERY_MS);
        }
        await linksUp();
      },
    });
    expect(result.violations).toEqual([]);
  });
});
