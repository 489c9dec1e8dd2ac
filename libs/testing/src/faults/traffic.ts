import { LinkerClient, LinkerClientError } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { waitFor } from '../wait-for';
import type { LedgerLane, MessageLedger } from './ledger';

export interface TrafficOptions {
  /** The client endpoint of each connector; pair `i` sends from connector `i mod n` to connector `(i + 1) mod n`. */
  urls: readonly string[];
  appId: string;
  /** The user id of user number `n` (0-based): pair `i` is users `2i` (sender) and `2i + 1` (recipient). */
  userId: (n: number) => string;
  pairs: number;
  /** Messages a second each sender sends on each lane (0: none on that lane). */
  rates: Record<LedgerLane, number>;
  ledger: MessageLedger;
  /** false: the recipients connect only when the traffic settles, so every RELIABLE message goes to a mailbox. */
  recipientsOnline?: boolean;
}

/** Messages asked for by each fetch (the server may bring fewer: it paces a fetch to what the socket can take). */
const FETCH_BATCH = 200;

/** How long after the recipients fetched until nothing was left the last messages may still arrive live. */
const LATE_FETCH_AFTER_MS = 30_000;

/** How soon a client tries again after its connection dropped (the fault cases restart things within seconds). */
const RECONNECT = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };

/**
 * The steady stream every fault case runs through its fault and recovery: `pairs` sender/recipient pairs across the
 * connectors (recipients online, or offline until the end), each sender sending on both lanes at `rates`, through the client SDK as an application would use it
 * (ack mode, resend of what was not accepted, reconnect with fetch). Every message is a fresh token, sent as the
 * content, the reference and the client id, and every event about it goes to the ledger. A send while the sender is
 * not connected is not made (and not counted): the application would hold it too.
 */
export class FaultTraffic {
  private readonly timers: NodeJS.Timeout[] = [];
  private sequence = 0;
  /** Accepted RELIABLE messages that fetching until nothing was left did not bring, and a later fetch did. */
  private keptFromFetch = 0;
  /** Connections the clients saw closed under them, by close code. */
  readonly disconnects: Record<string, number> = {};

  private constructor(
    private readonly senders: LinkerClient[],
    private readonly recipients: LinkerClient[],
    private readonly options: TrafficOptions,
  ) {}

  /** Connect every pair (each client authenticated) and start sending. */
  static async start(options: TrafficOptions): Promise<FaultTraffic> {
    const { urls, pairs } = options;
    const client = (n: number, connector: number): LinkerClient => {
      const made = new LinkerClient({
        url: urls[connector % urls.length],
        appId: options.appId,
        userId: options.userId(n),
        ack: true,
        webSocket: NodeWebSocket,
        reconnect: RECONNECT,
        fetchOnReconnect: FETCH_BATCH,
      });
      made.on('message', ({ content }) => options.ledger.shown(content));
      made.on('accepted', ({ id }) => options.ledger.accepted(id));
      made.on('confirmation', ({ reference }) => options.ledger.confirmed(reference));
      made.on('error', ({ id, code }) => id !== undefined && options.ledger.refused(id, code));
      return made;
    };
    const senders = Array.from({ length: pairs }, (_, i) => client(2 * i, i));
    const recipients = Array.from({ length: pairs }, (_, i) => client(2 * i + 1, i + 1));
    const traffic = new FaultTraffic(senders, recipients, options);
    for (const made of [...senders, ...recipients]) {
      made.on('closed', ({ code, willReconnect }) => {
        if (willReconnect) traffic.disconnects[code] = (traffic.disconnects[code] ?? 0) + 1;
      });
    }
    try {
      await Promise.all([...senders, ...(options.recipientsOnline === false ? [] : recipients)].map((c) => c.connect()));
    } catch (error) {
      await traffic.close();
      throw error;
    }
    traffic.begin();
    return traffic;
  }

  /** Stop sending (what was sent goes on: resends, deliveries). */
  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  /**
   * Stop sending, then wait until every sender has an answer for each of its messages (resent after a reconnect if
   * need be) and every recipient was shown every accepted RELIABLE message (each fetches its mailbox first, until
   * `leftMissingCount` is 0). What is still missing `LATE_FETCH_AFTER_MS` later is fetched once more: what that brings
   * was stored all along although the fetches said nothing was left (`keptFromFetch`, a violation); what it does not
   * is lost. Rejects at the deadline, saying what it still waited for; the ledger then shows what was lost.
   */
  async settle(timeoutMs: number): Promise<void> {
    this.stop();
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    const all = [...this.senders, ...this.recipients];
    const { ledger } = this.options;
    await Promise.all(this.recipients.filter((c) => c.state === 'idle').map((c) => c.connect()));
    await waitFor('every client connected again', () => all.every((c) => c.state === 'open'), { timeoutMs: left(), intervalMs: 50 });
    await waitFor('an answer (ACCEPTED or a refusal) to every message sent', () => this.senders.every((c) => c.unacceptedCount === 0), {
      timeoutMs: left(),
      intervalMs: 50,
    });
    for (const recipient of this.recipients) await this.fetchAll(recipient, left);
    const shownAll = (): boolean => ledger.undelivered().length === 0;
    const what = 'every accepted RELIABLE message shown to its recipient';
    const shown = await waitFor(what, shownAll, { timeoutMs: Math.min(left(), LATE_FETCH_AFTER_MS), intervalMs: 50 }).then(
      () => true,
      () => false,
    );
    if (shown) return;
    const missing = new Set(ledger.undelivered());
    for (const recipient of this.recipients) {
      for (const token of await this.fetchAll(recipient, left)) if (missing.has(token)) this.keptFromFetch += 1;
    }
    await waitFor(`${what} (${missing.size} missing after fetching until nothing was left, then fetched again)`, shownAll, {
      timeoutMs: left(),
      intervalMs: 50,
    });
  }

  /** What went wrong: the ledger's violations, and messages that fetching until nothing was left did not bring. */
  violations(): string[] {
    const kept = this.keptFromFetch;
    const late =
      kept > 0
        ? [`${kept} accepted RELIABLE messages stayed stored although fetches said nothing was left (a later fetch brought them)`]
        : [];
    return [...this.options.ledger.violations(), ...late];
  }

  /** Fetch until nothing is left (a fetch cut by a dropped connection is made again once the client is back); the tokens shown. */
  private async fetchAll(recipient: LinkerClient, left: () => number): Promise<string[]> {
    const fetched: string[] = [];
    for (let leftMissing = 1; leftMissing > 0;) {
      await waitFor('the recipient connected, to fetch', () => recipient.state === 'open', { timeoutMs: left(), intervalMs: 50 });
      try {
        const { messages, leftMissingCount } = await recipient.fetchMissing(FETCH_BATCH);
        for (const { content } of messages) {
          this.options.ledger.shown(content);
          fetched.push(content);
        }
        leftMissing = leftMissingCount;
      } catch (error) {
        if (!(error instanceof LinkerClientError && (error.code === 'CONNECTION_CLOSED' || error.code === 'NOT_CONNECTED'))) throw error;
      }
    }
    return fetched;
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all([...this.senders, ...this.recipients].map((c) => c.close()));
  }

  private begin(): void {
    this.senders.forEach((sender, i) => {
      const [from, to] = [this.options.userId(2 * i), this.options.userId(2 * i + 1)];
      for (const lane of ['RELIABLE', 'FAST'] as const) {
        const rate = this.options.rates[lane];
        if (rate > 0) this.timers.push(setInterval(() => this.send(sender, from, to, lane), 1_000 / rate));
      }
    });
  }

  private send(sender: LinkerClient, from: string, to: string, lane: LedgerLane): void {
    if (sender.state !== 'open') return;
    const token = `${lane === 'FAST' ? 'f' : 'r'}.${from}.${++this.sequence}`;
    try {
      sender.send(to, token, { id: token, reference: token, feature: lane });
    } catch {
      return; // the connection dropped between the state check and the write: nothing went out
    }
    this.options.ledger.sent(token, lane);
  }
}
