import { MemoryBroker, memoryLanes } from '@linker/bus';
import type { Envelope } from '@linker/contracts';
import type { DialOptions, LinkTransport, OutboundLink } from '@linker/domain-link';
import { MemoryMailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { TopologyView } from '@linker/topology';
import { Federation } from '../src/federation/federation';

// FAST forwarding under load (ADR 0009): when the link's window of unanswered frames is full, further FAST envelopes
// wait (up to two batch frames' worth) and go together once an answer comes, instead of being dropped.

/** An outbound link that is up and answers each send only when told to. */
class HeldLink implements OutboundLink {
  readonly up = true;
  readonly sends: Envelope[][] = [];
  private readonly answers: Array<() => void> = [];

  constructor(readonly peer: string) {}

  send(envelopes: readonly Envelope[]): Promise<void> {
    this.sends.push([...envelopes]);
    return new Promise((resolve) => this.answers.push(resolve));
  }

  /** Answer the oldest send not answered yet. */
  answer(): void {
    this.answers.shift()?.();
  }

  onState(): () => void {
    return () => undefined;
  }

  metrics(): ReturnType<OutboundLink['metrics']> {
    return { peer: this.peer } as ReturnType<OutboundLink['metrics']>;
  }

  async close(): Promise<void> {}
}

const view = new TopologyView({
  domains: [
    { name: 'd1', urls: ['ws://127.0.0.1:1', 'ws://127.0.0.1:2'] },
    { name: 'd2', urls: ['ws://127.0.0.1:3', 'ws://127.0.0.1:4'] },
  ],
  domainLinks: [{ n1: 'd1', n2: 'd2' }],
  clientApps: [],
});

const envelope = (n: number): Envelope => ({
  id: `e${n}`,
  lane: 'FAST',
  type: 'PUBLISH',
  from: 'ANZ-1',
  data: {},
  path: ['d1'],
  createdAt: 0,
  hops: 0,
});

describe('FAST forwarding when the link window is full', () => {
  let link: HeldLink;
  let federation: Federation;
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    const transport: LinkTransport = {
      listen: () => Promise.reject(new Error('not listening in this test')),
      dial: (options: DialOptions) => (link = new HeldLink(options.peer)),
    };
    federation = new Federation({
      transport,
      secretFor: () => 'secret',
      listen: false,
      limits: { maxInFlightBatches: 2, maxBatchEnvelopes: 10 },
      domain: 'd1',
      member: 'p1',
      channelInterestMs: 1,
      lanes: memoryLanes(new MemoryBroker()),
      partitions: 1,
      mailbox: new MemoryMailbox(),
      topology: () => view,
      logger: silentLogger,
    });
    federation.follow(view);
  });

  it('sends what waited in one send once an answer frees the window, and drops only beyond two frames', async () => {
    for (let n = 0; n < 2; n++) federation.sendFast('d2', [envelope(n)]);
    expect(link.sends).toHaveLength(2); // the window is full
    for (let n = 2; n < 22; n++) federation.sendFast('d2', [envelope(n)]); // 20 wait: two frames' worth
    federation.sendFast('d2', [envelope(22)]); // beyond: dropped
    expect(link.sends).toHaveLength(2);
    link.answer();
    await flush();
    expect(link.sends.map((sent) => sent.length)).toEqual([1, 1, 20]);
    expect(link.sends[2]!.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i + 2}`));
    expect(link.sends[2]![0]!.path).toEqual(['d1', 'd2']);
    expect(federation.links()[0]).toMatchObject({ peer: 'd2', fastDropped: 1 });
  });
});
