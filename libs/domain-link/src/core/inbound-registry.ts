import type { InboundLinkMetrics } from '../link.port';

type Counters = { -readonly [K in keyof InboundLinkMetrics]: InboundLinkMetrics[K] };

/** The authenticated inbound connections of a listener, by peer, with their counters. */
export class InboundRegistry {
  private readonly counters = new Map<string, Counters>();
  private readonly drops = new Map<string, Set<() => void>>();

  /** Counters of `peer` (created on first use, kept after its connections end). */
  of(peer: string): Counters {
    let counters = this.counters.get(peer);
    if (counters === undefined) {
      counters = { peer, connections: 0, receivedBatches: 0, receivedEnvelopes: 0, receivedBytes: 0, nacks: 0, cuts: 0 };
      this.counters.set(peer, counters);
    }
    return counters;
  }

  /** A connection of `peer` authenticated; `drop` ends it abruptly. Returns the call to make when it ends. */
  add(peer: string, drop: () => void): () => void {
    const drops = this.drops.get(peer) ?? new Set();
    this.drops.set(peer, drops.add(drop));
    this.of(peer).connections += 1;
    return () => {
      if (drops.delete(drop)) this.of(peer).connections -= 1;
    };
  }

  drop(peer: string): number {
    const drops = [...(this.drops.get(peer) ?? [])];
    this.of(peer).cuts += drops.length;
    for (const drop of drops) drop();
    return drops.length;
  }

  metrics(): InboundLinkMetrics[] {
    return [...this.counters.values()].map((c) => ({ ...c }));
  }
}
