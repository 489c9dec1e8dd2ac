import { waitFor } from '../wait-for';
import type { FuzzFrame, FuzzTargets } from './frame-fuzz';
import { FuzzLane, type Expected, type SentMessage, type Tally } from './fuzz-lanes';
import { RawSocket } from './raw-socket';

export interface FuzzFleetOptions {
  url: string;
  appId: string;
  /** Lanes that log in first, and lanes that never do. */
  authenticated: number;
  unauthenticated: number;
  /** User number `n`: 0 and 1 are the sinks (the recipients of the valid messages), the lanes follow. */
  userId: (n: number) => string;
}

/** What the valid frames among the fuzz came to. */
export interface ValidOutcome {
  messages: number;
  accepted: number;
  /** Showings of a valid message to one of its recipients. */
  shown: number;
}

const WAIT_MS = 15_000;

/**
 * Many fuzz lanes on one connector (some logged in, some never), and two sinks: logged-in users every valid message
 * of the lanes goes to. `round` plays frames on their lanes at once, each lane's in order, checking each answer (see
 * `FuzzLane`); then every valid message the connector accepted must have been shown to each of its recipients,
 * once, and nothing else may have reached them (no wrong frame was ever sent on).
 */
export class FuzzFleet {
  readonly tally: Tally = {};
  private readonly sent: SentMessage[] = [];
  private sequence = 0;
  private readonly lanes: FuzzLane[];

  private constructor(
    private readonly options: FuzzFleetOptions,
    private readonly sinks: Map<string, RawSocket>,
  ) {
    const { url, appId, authenticated, unauthenticated, userId } = options;
    this.lanes = [
      ...Array.from(
        { length: authenticated },
        (_, i) => new FuzzLane(`lane ${i} (${userId(2 + i)})`, url, appId, userId(2 + i), this.tally, this.sent),
      ),
      ...Array.from(
        { length: unauthenticated },
        (_, i) => new FuzzLane(`lane ${authenticated + i} (not logged in)`, url, appId, undefined, this.tally, this.sent),
      ),
    ];
  }

  static async start(options: FuzzFleetOptions): Promise<FuzzFleet> {
    const sinks = new Map<string, RawSocket>();
    for (const n of [0, 1]) {
      const userId = options.userId(n);
      const socket = await RawSocket.open(options.url, `sink ${userId}`);
      sinks.set(userId, socket);
      if ((await socket.auth(options.appId, userId)).data.isAuthenticated !== true) throw new Error(`sink ${userId} could not log in`);
    }
    return new FuzzFleet(options, sinks);
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  get targets(): FuzzTargets {
    const [a, b] = this.sinks.keys();
    return { appId: this.options.appId, sinks: [a, b] };
  }

  /** Play each `[lane, frame]` (lane numbers wrap around), check every answer, then every valid message's showing. */
  async round(plays: ReadonlyArray<readonly [number, FuzzFrame]>): Promise<void> {
    const unauthenticated = this.lanes.slice(this.options.authenticated);
    await Promise.all(unauthenticated.map((lane) => lane.renew())); // far from their auth deadline (15 s)
    const outcomes = await Promise.allSettled(
      this.lanes.map(async (lane, i) => {
        for (const [at, frame] of plays) if (at % this.lanes.length === i) await lane.play(frame, (valid) => this.make(valid));
        await lane.settle();
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    await this.shown();
  }

  /** What the valid frames came to so far. */
  outcome(): ValidOutcome {
    const accepted = this.sent.filter((m) => m.accepted);
    const shown = [...this.sinks.values()].reduce((n, sink) => n + sink.all('MESSAGE').length, 0);
    return { messages: this.sent.length, accepted: accepted.length, shown };
  }

  async close(): Promise<void> {
    await Promise.all([...this.lanes.map((lane) => lane.renew()), ...[...this.sinks.values()].map((sink) => sink.close())]);
  }

  /** A valid frame of `valid`'s kind, unique (its id, content and reference), and the answer it must get. */
  private make(valid: Extract<FuzzFrame, { kind: 'valid' }>): { frame: object; expected: Expected } {
    const n = ++this.sequence;
    const reference = valid.reference ? `valid-${n}` : undefined;
    if (valid.type === 'PING') return { frame: { type: 'PING', data: {}, reference }, expected: { kind: 'pong' } };
    if (valid.type === 'FETCH_MISSING_MESSAGES_REQUEST')
      return { frame: { type: valid.type, data: { count: 5 }, reference }, expected: { kind: 'fetched' } };
    const [sink, other] = this.targets.sinks;
    const to = valid.type === 'MESSAGE' ? [sink] : [sink, other];
    const content = `valid ${n}`;
    const data = valid.type === 'MESSAGE' ? { to: sink, content } : { to, content };
    return {
      frame: { type: valid.type, data, id: `valid-${n}`, feature: valid.feature, reference },
      expected: { kind: 'accepted', id: `valid-${n}`, content, to },
    };
  }

  /** Every accepted valid message shown to each recipient once; nothing else shown to them. */
  private async shown(): Promise<void> {
    const valid = new Set(this.sent.map((m) => m.content));
    await waitFor(
      'every accepted valid message shown to each of its recipients',
      () => {
        return this.sent.every((m) => !m.accepted || m.to.every((to) => this.showings(to, m.content) > 0));
      },
      { timeoutMs: WAIT_MS },
    );
    for (const [userId, sink] of this.sinks) {
      const contents = sink.all('MESSAGE').map((f) => String(f.data.content));
      const stranger = contents.find((content) => !valid.has(content));
      if (stranger !== undefined) throw new Error(`${userId} was shown a message no valid frame sent: ${stranger.slice(0, 200)}`);
      const twice = contents.find((content, i) => contents.indexOf(content) !== i);
      if (twice !== undefined) throw new Error(`${userId} was shown ${twice} twice`);
    }
  }

  private showings(userId: string, content: string): number {
    return (this.sinks.get(userId) as RawSocket).all('MESSAGE', (f) => f.data.content === content).length;
  }
}
