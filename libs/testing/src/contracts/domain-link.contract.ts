import type { Envelope } from '@linker/contracts';
import type { LinkListener, LinkLimits, LinkStateChange, LinkTransport, ListenOptions, OutboundLink } from '@linker/domain-link';
import { checkEnvelopeSize } from '@linker/domain-link';
import { RecordingLogger } from '../recording-logger';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';

/** A scripted impostor: claims to be a domain without knowing its secret, welcomes any hello, acks every batch. */
interface Impostor {
  readonly endpoint: string;
  /** Batch frames it received. */
  batches(): number;
  close(): Promise<void>;
}

export interface DomainLinkHarness {
  /** A fresh transport for one test: both sides of the test's links use it. */
  transport(): LinkTransport;
  /** Where a listener of `domain` listens (`ws://127.0.0.1:0`, a twin's name). */
  listenEndpoint(domain: string): string;
  impostor(transport: LinkTransport, domain: string): Promise<Impostor>;
  /** Deadline of one wait. Default 5 s. */
  readonly waitMs?: number;
}

/** Limits small enough for tests: fast reconnects, a 4 KiB frame. */
export const TEST_LINK_LIMITS: Partial<LinkLimits> = {
  backoffInitialMs: 10,
  backoffMaxMs: 100,
  handshakeTimeoutMs: 2_000,
  maxFrameBytes: 4096,
};

let counter = 0;
export function linkEnvelope(from: string, overrides: Partial<Envelope> = {}): Envelope {
  counter += 1;
  const id = `link-${counter}-${uniqueName('m')}`;
  return {
    id,
    lane: 'RELIABLE',
    type: 'MESSAGE',
    from,
    to: 'ANZ-2',
    data: { content: id },
    path: ['a'],
    createdAt: Date.now(),
    hops: 0,
    ...overrides,
  };
}

/** A receive handler that records batches and can hold the next ones until released, or fail them. */
export class Receiver {
  readonly batches: Array<{ from: string; ids: string[] }> = [];
  private gate: Promise<void> | undefined;
  private failing = false;
  readonly handler = async (from: string, envelopes: Envelope[]): Promise<void> => {
    this.batches.push({ from, ids: envelopes.map((e) => e.id) });
    await this.gate;
    if (this.failing) throw new Error('disk full');
  };
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }
  fail(failing: boolean): void {
    this.failing = failing;
  }
  ids(): string[] {
    return this.batches.flatMap((b) => b.ids);
  }
}

type ListenExtras = Partial<Pick<ListenOptions, 'acceptsPeer' | 'secretFor' | 'limits'>>;

/** What every test gets: two domains with a shared secret, their listeners and links, closed after it. */
class LinkContext {
  readonly transport: LinkTransport;
  readonly a = uniqueName('dom-a');
  readonly b = uniqueName('dom-b');
  readonly secret = uniqueName('secret');
  readonly logs = new RecordingLogger();
  readonly receiver = new Receiver();
  private readonly listeners: LinkListener[] = [];
  private readonly links: OutboundLink[] = [];

  constructor(private readonly harness: DomainLinkHarness) {
    this.transport = harness.transport();
  }

  until<T>(what: string, condition: () => T | undefined | null | false): Promise<T> {
    return waitFor(what, condition, { timeoutMs: this.harness.waitMs ?? 5_000 });
  }

  /** Wait for `promise` to settle: its rejection, or an error saying it resolved. */
  async rejection(what: string, promise: Promise<unknown>): Promise<unknown> {
    let outcome: { error: unknown } | { value: unknown } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    const settled = await this.until(what, () => outcome);
    if (!('error' in settled)) throw new Error(`expected ${what} to reject, it resolved`);
    return settled.error;
  }

  async listen(domain = this.b, extras: ListenExtras = {}): Promise<LinkListener> {
    const listener = await this.transport.listen({
      domain,
      endpoint: this.harness.listenEndpoint(domain),
      acceptsPeer: () => true,
      secretFor: () => this.secret,
      onReceive: this.receiver.handler,
      limits: TEST_LINK_LIMITS,
      logger: this.logs.child({ side: 'server' }),
      ...extras,
    });
    this.listeners.push(listener);
    return listener;
  }

  dial(endpoint: string, options: { from?: string; to?: string; secret?: string; limits?: Partial<LinkLimits> } = {}): OutboundLink {
    const link = this.transport.dial({
      domain: options.from ?? this.a,
      peer: options.to ?? this.b,
      endpoint,
      secretFor: () => options.secret ?? this.secret,
      limits: { ...TEST_LINK_LIMITS, ...options.limits },
      logger: this.logs.child({ side: 'dialer' }),
    });
    this.links.push(link);
    return link;
  }

  /** A listening `b` and an outbound link a → b that is up, with its state changes. */
  async pair(): Promise<{ listener: LinkListener; link: OutboundLink; changes: LinkStateChange[] }> {
    const listener = await this.listen();
    const link = this.dial(listener.endpoint);
    const changes: LinkStateChange[] = [];
    link.onState((change) => changes.push(change));
    await this.until('the link a → b to be up', () => link.up);
    return { listener, link, changes };
  }

  failure(link: OutboundLink, code: string) {
    return this.until(
      `the link's last failure to be ${code}`,
      () => link.metrics().lastFailure?.code === code && link.metrics().lastFailure,
    );
  }

  /** No log line carries the shared secret (nor anything derived from it is checked here: proofs are never logged). */
  expectNoSecretLogged(): void {
    expect(JSON.stringify(this.logs.lines)).not.toContain(this.secret);
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.links.splice(0).map((l) => l.close()));
    await Promise.all(this.listeners.splice(0).map((l) => l.close()));
  }
}

export function domainLinkContract(name: string, harness: DomainLinkHarness): void {
  describe(`${name} (domain-link contract)`, () => {
    let ctx: LinkContext;
    beforeEach(() => (ctx = new LinkContext(harness)));
    afterEach(() => ctx.cleanUp());

    it('completes the handshake and reports the link up, with the time', async () => {
      const before = Date.now();
      const { listener, link, changes } = await ctx.pair();
      expect(link.metrics()).toMatchObject({ peer: ctx.b, up: true, ups: 1, downs: 0, inFlightBatches: 0 });
      expect(link.metrics().since).toBeGreaterThanOrEqual(before);
      await ctx.until('b to count one connection from a', () => listener.metrics().find((m) => m.peer === ctx.a)?.connections === 1);
      expect(changes).toEqual([{ peer: ctx.b, up: true, at: link.metrics().since, reason: undefined }]);
      expect(ctx.logs.find('link up', { peer: ctx.b })).toHaveLength(1);
    });

    it('refuses a dialer whose secret differs (4401), logged with its claimed domain and address, never the secret', async () => {
      const listener = await ctx.listen();
      const link = ctx.dial(listener.endpoint, { secret: 'not-the-secret' });
      const failure = await ctx.failure(link, 'LINK_AUTH_FAILED');
      expect(failure.closeCode).toBe(4401);
      const refusal = await ctx.until(
        'b to log the refusal',
        () => ctx.logs.find('link peer cut off', { side: 'server', peer: ctx.a, close: 'AUTH_FAILED' })[0],
      );
      expect(refusal.fields.remote).toEqual(expect.any(String));
      expect(link.up).toBe(false);
      expect(link.metrics().ups).toBe(0);
      const c = uniqueName('dom-c');
      const otherSecret = await ctx.listen(c, { secretFor: () => 'another-secret' });
      const toC = ctx.dial(otherSecret.endpoint, { to: c });
      expect((await ctx.failure(toC, 'LINK_AUTH_FAILED')).closeCode).toBe(4401);
      expect(toC.metrics().ups).toBe(0);
      ctx.expectNoSecretLogged();
      expect(JSON.stringify(ctx.logs.lines)).not.toMatch(/not-the-secret|another-secret/);
    });

    it('refuses a server that cannot prove the secret: an impostor’s welcome is rejected and nothing is sent to it', async () => {
      const impostor = await harness.impostor(ctx.transport, ctx.b);
      try {
        const link = ctx.dial(impostor.endpoint);
        const failure = await ctx.failure(link, 'LINK_AUTH_FAILED');
        expect(failure.message).toContain('welcome proof');
        await expect(link.send([linkEnvelope(ctx.a)])).rejects.toMatchObject({ code: 'LINK_DOWN', retriable: true });
        expect(link.metrics().ups).toBe(0);
        expect(impostor.batches()).toBe(0);
        expect(ctx.logs.find('link connection failed', { side: 'dialer', code: 'LINK_AUTH_FAILED' }).length).toBeGreaterThan(0);
      } finally {
        await impostor.close();
      }
    });

    it('refuses a domain that is not a neighbour (4403), and one with no secret configured', async () => {
      const listener = await ctx.listen(ctx.b, { acceptsPeer: (peer) => peer !== ctx.a });
      const link = ctx.dial(listener.endpoint);
      expect((await ctx.failure(link, 'LINK_UNEXPECTED_PEER')).closeCode).toBe(4403);
      await ctx.until(
        'b to log the unexpected peer',
        () => ctx.logs.find('link peer cut off', { peer: ctx.a, close: 'UNEXPECTED_PEER' })[0],
      );
      const c = uniqueName('dom-c');
      const other = await ctx.listen(c, { secretFor: () => undefined });
      const toC = ctx.dial(other.endpoint, { to: c });
      expect((await ctx.failure(toC, 'LINK_UNEXPECTED_PEER')).closeCode).toBe(4403);
      expect(link.metrics().ups + toC.metrics().ups).toBe(0);
    });

    it('resolves a send only after the handler resolved, and hands batches over one at a time, in order', async () => {
      const { link } = await ctx.pair();
      const release = ctx.receiver.hold();
      const first = [linkEnvelope(ctx.a), linkEnvelope(ctx.a)];
      const second = [linkEnvelope(ctx.a)];
      let resolved = 0;
      const sends = [link.send(first), link.send(second)].map((p) => p.then(() => (resolved += 1)));
      await ctx.until('the first batch at the handler', () => ctx.receiver.batches.length === 1);
      expect(link.metrics().inFlightBatches).toBe(2);
      expect(resolved).toBe(0);
      release();
      await Promise.all(sends);
      expect(ctx.receiver.batches).toEqual([
        { from: ctx.a, ids: first.map((e) => e.id) },
        { from: ctx.a, ids: second.map((e) => e.id) },
      ]);
      expect(link.metrics()).toMatchObject({ sentEnvelopes: 3, ackedEnvelopes: 3, inFlightBatches: 0 });
      expect(link.metrics().lastRttMs).toEqual(expect.any(Number));
    });

    it('keeps the order of many pipelined sends, each resolved once acknowledged', async () => {
      const { link } = await ctx.pair();
      const batches = Array.from({ length: 100 }, () => [linkEnvelope(ctx.a), linkEnvelope(ctx.a)]);
      await Promise.all(batches.map((batch) => link.send(batch)));
      expect(ctx.receiver.ids()).toEqual(batches.flat().map((e) => e.id));
      expect(link.metrics()).toMatchObject({ sentEnvelopes: 200, ackedEnvelopes: 200, inFlightBatches: 0 });
    });

    it('holds frames beyond the window of unanswered batches back until answers come, in order', async () => {
      const listener = await ctx.listen();
      const link = ctx.dial(listener.endpoint, { limits: { maxInFlightBatches: 2 } });
      await ctx.until('the link to be up', () => link.up);
      const release = ctx.receiver.hold();
      const batches = Array.from({ length: 5 }, () => [linkEnvelope(ctx.a)]);
      const sends = Promise.all(batches.map((batch) => link.send(batch)));
      await ctx.until('b to have received two batches', () => listener.metrics().find((m) => m.peer === ctx.a)?.receivedBatches === 2);
      expect(link.metrics()).toMatchObject({ inFlightBatches: 2, sentEnvelopes: 2 });
      release();
      await sends;
      expect(ctx.receiver.ids()).toEqual(batches.flat().map((e) => e.id));
    });

    it('rejects a send with a retriable LINK_NACK when the handler fails, and the link stays up', async () => {
      const { link, listener } = await ctx.pair();
      ctx.receiver.fail(true);
      await expect(link.send([linkEnvelope(ctx.a)])).rejects.toMatchObject({ code: 'LINK_NACK', retriable: true });
      ctx.receiver.fail(false);
      await link.send([linkEnvelope(ctx.a)]);
      expect(link.up).toBe(true);
      expect(listener.metrics().find((m) => m.peer === ctx.a)).toMatchObject({ nacks: 1, receivedBatches: 2 });
    });

    it('rejects in-flight sends with LINK_DOWN when the connection is cut, goes down, and comes back by itself', async () => {
      const { link, listener, changes } = await ctx.pair();
      const release = ctx.receiver.hold();
      const inFlight = link.send([linkEnvelope(ctx.a)]);
      await ctx.until('the batch at the handler', () => ctx.receiver.batches.length === 1);
      expect(listener.drop(ctx.a)).toBe(1);
      release();
      expect(await ctx.rejection('the in-flight send', inFlight)).toMatchObject({ code: 'LINK_DOWN', retriable: true });
      await ctx.until('the link to come back up', () => link.metrics().ups === 2 && link.up);
      expect(changes.map((c) => c.up)).toEqual([true, false, true]);
      expect(changes[1].at).toBeLessThanOrEqual(changes[2].at);
      const again = [linkEnvelope(ctx.a)];
      await link.send(again);
      expect(ctx.receiver.ids().slice(-1)).toEqual([again[0].id]);
      expect(link.metrics().downs).toBe(1);
    });

    it('refuses an envelope over the frame limit at the sender, sends nothing of its batch, and splits large batches', async () => {
      const { link, listener } = await ctx.pair();
      const big = linkEnvelope(ctx.a, { data: { content: 'x'.repeat(5000) } });
      expect(() => checkEnvelopeSize(big, 4096)).toThrow(expect.objectContaining({ code: 'LINK_FRAME_TOO_LARGE', retriable: false }));
      const small = linkEnvelope(ctx.a);
      await expect(link.send([small, big])).rejects.toMatchObject({ code: 'LINK_FRAME_TOO_LARGE', retriable: false });
      const fits = Array.from({ length: 3 }, () => linkEnvelope(ctx.a, { data: { content: 'y'.repeat(1800) } }));
      await link.send(fits);
      expect(ctx.receiver.ids()).toEqual(fits.map((e) => e.id));
      expect(ctx.receiver.batches.length).toBeGreaterThan(1);
      expect(listener.metrics().find((m) => m.peer === ctx.a)?.cuts).toBe(0);
      expect(link.up).toBe(true);
    });

    it('close() rejects pending sends, reports down and stops reconnecting', async () => {
      const { link, listener, changes } = await ctx.pair();
      ctx.receiver.hold();
      const pending = link.send([linkEnvelope(ctx.a)]);
      await ctx.until('the batch at the handler', () => ctx.receiver.batches.length === 1);
      await link.close();
      expect(await ctx.rejection('the pending send', pending)).toMatchObject({ code: 'LINK_CLOSED', retriable: true });
      expect(changes.map((c) => c.up)).toEqual([true, false]);
      await expect(link.send([linkEnvelope(ctx.a)])).rejects.toMatchObject({ code: 'LINK_CLOSED' });
      await ctx.until('b to see no connection from a', () => listener.metrics().find((m) => m.peer === ctx.a)?.connections === 0);
      const c = uniqueName('dom-c');
      const fromC = ctx.dial(listener.endpoint, { from: c });
      await ctx.until('another link to come up meanwhile', () => fromC.up);
      expect(listener.metrics().find((m) => m.peer === ctx.a)?.connections).toBe(0);
      expect(link.metrics()).toMatchObject({ up: false, ups: 1 });
    });
  });
}
