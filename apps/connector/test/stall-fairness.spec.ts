import { waitFor } from '@linker/testing';
import { PacedClients, type PacedTally } from './socket/testing/paced-clients';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(60_000);

/** Block this thread's event loop (the connector's and the test's) for `ms`, without spinning a core. */
function stallEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const STALL_MS = 3_000;
// A 3 s stall holds 60 frames of a client at 20 msg/s in the kernel. A limit counted when frames are read refuses
// those beyond the bucket (burst 20: 40 of them), and its abuse meter, counting frames per window as they are read,
// closes the socket (1 s windows, factor 1: 60 frames read in one window, over the 50 it allows).
const CASES = [
  { name: 'the bucket', settings: { rateLimit: 50, rateBurst: 20, rateAbuseFactor: 3, rateAbuseWindowMs: 5_000 } },
  { name: 'the abuse meter', settings: { rateLimit: 50, rateBurst: 100, rateAbuseFactor: 1, rateAbuseWindowMs: 1_000 } },
];

// Over real sockets: clients in a worker thread keep sending while the connector's event loop is blocked, so their
// frames wait in the kernel and are read in one burst when it runs again.
describe('rate limit under a stalled event loop', () => {
  let h: Harness | undefined;
  let clients: PacedClients | undefined;
  afterEach(async () => {
    await clients?.close();
    await h?.close();
    clients = undefined;
    h = undefined;
  });

  const published = (harness: Harness, userId: string): number => harness.processor.all('MESSAGE').filter((e) => e.from === userId).length;
  const answered = (harness: Harness, userId: string, tally: PacedTally): boolean =>
    published(harness, userId) + Object.values(tally.refused).reduce((a, b) => a + b, 0) >= tally.sent;

  it.each(CASES)(
    '$name refuses none of a 20 msg/s client’s frames read in one burst after a 3 s stall, and still limits a 200 msg/s one',
    async ({ settings }) => {
      const harness = await startHarness({ settings });
      h = harness;
      clients = await PacedClients.start(harness.url, [
        { userId: 'ANZ-1', perSecond: 20 },
        { userId: 'ANZ-7', perSecond: 200 },
      ]);
      const paced = clients;
      const started = Date.now();
      paced.go();
      await waitFor('the polite client to get going', () => published(harness, 'ANZ-1') >= 10);
      stallEventLoop(STALL_MS);
      await waitFor(
        'a second of sending after the stall (or the polite socket closed)',
        async () => {
          const latest = (await paced.report())['ANZ-1'];
          return latest.sent >= 90 || latest.closeCode !== undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const tallies = await paced.stop();
      const polite = await waitFor(
        'every frame of the polite client answered (published or refused), or its socket closed',
        async () => {
          const latest = (await paced.report())['ANZ-1'];
          return (answered(harness, 'ANZ-1', latest) || latest.closeCode !== undefined) && latest;
        },
        { timeoutMs: 15_000, intervalMs: 50 },
      );
      expect(polite.closeCode).toBeUndefined();
      expect(polite.refused).toEqual({});
      expect(polite.sent).toBeGreaterThanOrEqual(60); // the stall alone holds 3 s of its frames
      expect(published(harness, 'ANZ-1')).toBe(polite.sent);

      // Limited: RATE_LIMITED answers, or (abuse factor 1) closed with 4004 at its first refused frame; and over the
      // whole run it got no more than the burst and the rate, the stall's credit included.
      const flooder = tallies['ANZ-7'];
      expect((flooder.refused.RATE_LIMITED ?? 0) > 0 || flooder.closeCode === 4004).toBe(true);
      const seconds = (Date.now() - started) / 1000;
      expect(published(harness, 'ANZ-7')).toBeLessThanOrEqual(settings.rateBurst + settings.rateLimit * seconds);
    },
  );
});
