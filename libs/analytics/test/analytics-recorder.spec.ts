import { AnalyticsRecorder, MemoryAnalyticsStore, hashUser, sliceOf, type AnalyticsStore, type SliceCounts } from '@linker/analytics';
import { RecordingLogger, waitFor } from '@linker/testing';

const SETTINGS = { sliceSeconds: 3_600, retentionHours: 48 };

/** A memory store that remembers each batch it was given, and fails or hangs when told to. */
class WatchedStore extends MemoryAnalyticsStore {
  readonly batches: SliceCounts[][] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  constructor() {
    super(SETTINGS);
  }

  override add(batch: readonly SliceCounts[]): Promise<void> {
    this.batches.push([...batch]);
    if (this.mode === 'fail') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'hang') return new Promise(() => undefined);
    return super.add(batch);
  }
}

describe('AnalyticsRecorder', () => {
  let store: WatchedStore;
  let logger: RecordingLogger;
  let recorder: AnalyticsRecorder;
  const now = Date.now();
  const slice = sliceOf(now, SETTINGS.sliceSeconds);

  beforeEach(() => {
    store = new WatchedStore();
    logger = new RecordingLogger();
    recorder = new AnalyticsRecorder({ store: store as AnalyticsStore, logger, flushMs: 50, writeTimeoutMs: 200 });
  });
  afterEach(() => recorder.stop());

  it('writes what was counted in one batch after flushMs, and nothing while idle', async () => {
    for (let i = 0; i < 5; i++) recorder.count('ANZ', 'reliable_message');
    recorder.count('ANZ', 'deliveries', 3);
    recorder.user('ANZ', 'sending_users', 'ANZ-1');
    recorder.user('ANZ', 'sending_users', 'ANZ-1');
    await waitFor('the first write', () => store.batches.length === 1);
    expect(store.batches[0]).toEqual([
      { app: 'ANZ', slice, counters: { reliable_message: 5, deliveries: 3 }, uniques: { sending_users: [hashUser(slice, 'ANZ-1')] } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // idle: four more periods, and no write
    expect(store.batches).toHaveLength(1);
    expect(recorder.counts()).toEqual({ written: 9, dropped: 0 });
  });

  it('counts an event in the slice of its own time, and hashes ids with that slice', async () => {
    const hourAgo = now - 3_600_000;
    recorder.count('ANZ', 'clicks', 1, hourAgo);
    recorder.user('ANZ', 'event_users', 'alice', hourAgo);
    recorder.user('ANZ', 'event_users', 'alice', now);
    await recorder.flush();
    const [slices] = [await store.read('ANZ', slice - 1, slice)];
    expect(slices.map((s) => [s.slice, s.counters.clicks, s.uniques.event_users])).toEqual([
      [slice - 1, 1, 1],
      [slice, 0, 1],
    ]);
    const hashes = store.batches[0].flatMap((b) => b.uniques.event_users ?? []);
    expect(hashes).toEqual([hashUser(slice - 1, 'alice'), hashUser(slice, 'alice')]);
    expect(hashes[0]).not.toEqual(hashes[1]);
    expect(JSON.stringify(store.batches)).not.toContain('alice');
  });

  it('drops and counts what a failing store refuses, logs it once, and says when writes work again', async () => {
    store.mode = 'fail';
    recorder.count('ANZ', 'stored', 2);
    await recorder.flush();
    recorder.count('ANZ', 'stored', 3);
    await recorder.flush();
    expect(recorder.counts()).toEqual({ written: 0, dropped: 5 });
    expect(logger.count('warn', 'analytics could not be written')).toBe(1);
    store.mode = 'ok';
    recorder.count('ANZ', 'stored', 1);
    await recorder.flush();
    expect(recorder.counts()).toEqual({ written: 1, dropped: 5 });
    expect(logger.count('info', 'analytics written again')).toBe(1);
  });

  it('gives up on a store that does not answer, and keeps counting meanwhile without waiting', async () => {
    store.mode = 'hang';
    recorder.count('ANZ', 'fetched');
    const writing = recorder.flush();
    const started = Date.now();
    for (let i = 0; i < 1_000; i++) recorder.count('ANZ', 'fetched');
    expect(Date.now() - started).toBeLessThan(100);
    store.mode = 'ok'; // the first write hangs still
    await writing;
    expect(recorder.counts()).toEqual({ written: 0, dropped: 1 });
    await recorder.flush();
    expect(recorder.counts()).toEqual({ written: 1_000, dropped: 1 });
  });

  it('holds at most maxPendingUsers distinct users between two writes, and counts the rest as dropped', async () => {
    const small = new AnalyticsRecorder({ store, logger, maxPendingUsers: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) small.user('ANZ', 'connected_users', id);
    await small.stop();
    expect(small.counts()).toEqual({ written: 3, dropped: 2 });
  });
});
