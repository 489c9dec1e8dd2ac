import type { EachBatchPayload, OffsetsByTopicPartition } from 'kafkajs';
import { silentLogger } from '@linker/observability';
import { OffsetCommits } from './kafka-commits';

/** kafkajs's side of a member: offsets resolved locally, and the commits sent (each may be made to fail). */
class FakeMember {
  resolved = new Map<number, string>();
  committed = new Map<number, string>();
  readonly sent: OffsetsByTopicPartition[] = [];
  failNext = false;

  readonly access: Pick<EachBatchPayload, 'uncommittedOffsets' | 'commitOffsetsIfNecessary'> = {
    uncommittedOffsets: () => {
      const partitions = [...this.resolved]
        .filter(([p, o]) => this.committed.get(p) !== o)
        .map(([partition, offset]) => ({ partition, offset }));
      return { topics: partitions.length > 0 ? [{ topic: 't', partitions }] : [] };
    },
    commitOffsetsIfNecessary: async (offsets) => {
      if (!offsets) throw new Error('OffsetCommits always names the offsets it commits');
      this.sent.push(offsets);
      if (this.failNext) {
        this.failNext = false;
        throw new Error('REBALANCE_IN_PROGRESS');
      }
      for (const { partitions } of offsets.topics) for (const { partition, offset } of partitions) this.committed.set(partition, offset);
    },
  };

  handle(partition: number, offset: number): void {
    this.resolved.set(partition, String(offset + 1));
  }
}

describe('OffsetCommits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits every batch handled within the interval in one request, after the interval', async () => {
    const member = new FakeMember();
    const commits = new OffsetCommits(200, silentLogger);
    member.handle(0, 4);
    await commits.handled(member.access);
    member.handle(1, 9);
    member.handle(0, 7);
    await commits.handled(member.access);
    expect(member.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(200);
    expect(member.sent).toEqual([
      {
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 0, offset: '8' },
              { partition: 1, offset: '10' },
            ],
          },
        ],
      },
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(member.sent).toHaveLength(1);
    await commits.settled();
  });

  it('commits at once on flush (a rebalance), and nothing when nothing is uncommitted', async () => {
    const member = new FakeMember();
    const commits = new OffsetCommits(10_000, silentLogger);
    await commits.flush();
    member.handle(2, 0);
    await commits.handled(member.access);
    await commits.flush();
    expect(member.sent).toHaveLength(1);
    await commits.flush();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(member.sent).toHaveLength(1);
  });

  it('while closing, commits what was handled at once and each later batch before its handling returns', async () => {
    const member = new FakeMember();
    const commits = new OffsetCommits(10_000, silentLogger);
    member.handle(0, 1);
    await commits.handled(member.access);
    await commits.closing();
    expect(member.committed.get(0)).toBe('2');
    member.handle(1, 5);
    await commits.handled(member.access);
    expect(member.committed.get(1)).toBe('6');
    await commits.settled();
    expect(member.sent).toHaveLength(2);
  });

  it('commits what a failed commit held with the next handled batch', async () => {
    const member = new FakeMember();
    const commits = new OffsetCommits(200, silentLogger);
    member.failNext = true;
    member.handle(0, 1);
    member.handle(1, 1);
    await commits.handled(member.access);
    await jest.advanceTimersByTimeAsync(200);
    expect(member.committed.size).toBe(0);
    member.handle(0, 3);
    await commits.handled(member.access);
    await jest.advanceTimersByTimeAsync(200);
    expect([...member.committed].sort()).toEqual([
      [0, '4'],
      [1, '2'],
    ]);
    expect(member.sent).toHaveLength(2);
    await commits.settled();
  });
});
