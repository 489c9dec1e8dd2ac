import { createHmac } from 'node:crypto';
import { verifyWebhook } from '@linker/client-sdk';
import { WEBHOOK_SIGNATURE_HEADER, type WebhookEvent } from '@linker/contracts';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import type { RawSocket } from './raw-socket';
import { hookApp, hookLogin, metricSum, webhookTopology, type StartWebhookDomain, type WebhookDomain } from './webhook-domain';
import { WebhookReceiver } from './webhook-receiver';

const START_TIMEOUT_MS = 120_000;
/** The tests' bound on an app's retry backlog, and how long a receiver has to answer. */
const MAX_PENDING = 20;
const ENV = { LINKER_WEBHOOK_MAX_PENDING: String(MAX_PENDING), LINKER_WEBHOOK_TIMEOUT_MS: '2000' };
/** Longest a live message may take while a dead receiver's events pile up (the messaging tests' deadline is 10 s). */
const LIVE_DEADLINE_MS = 2_000;

/**
 * Webhooks end to end (docs/protocol.md, Webhooks), whatever runs the domain: real HTTP receivers, one per app, on
 * ports chosen before the domain starts (their URLs are in the topology): one that answers 200, one that answers 500
 * three times first, one that never answers.
 */
export function webhookBehaviour(name: string, start: StartWebhookDomain): void {
  describe(name, () => {
    jest.setTimeout(90_000);
    const apps = { stored: hookApp('HOOK_A'), flaky: hookApp('HOOK_B'), dead: hookApp('HOOK_C') };
    const receivers: Partial<Record<keyof typeof apps, WebhookReceiver>> = {};
    const sockets: RawSocket[] = [];
    let running: WebhookDomain | undefined;
    let next = 1_000 + Math.floor(Math.random() * 100_000);
    const user = (app: { appName: string }): string => `${app.appName}-${++next}`;
    const receiver = (key: keyof typeof apps): WebhookReceiver => receivers[key] as WebhookReceiver;
    const login = async (key: keyof typeof apps): Promise<[RawSocket, string]> => {
      const id = user(apps[key]);
      const socket = await hookLogin(running?.domain.connectorUrls[0] ?? '', apps[key], id);
      sockets.push(socket);
      return [socket, id];
    };

    beforeAll(async () => {
      for (const key of Object.keys(apps) as Array<keyof typeof apps>) receivers[key] = await WebhookReceiver.start();
      receiver('flaky').answer = (n) => (n < 3 ? 500 : 200);
      receiver('dead').answer = () => 'hang';
      const domain = uniqueName('e2e-webhooks');
      const topology = webhookTopology(domain, [
        [apps.stored, receiver('stored'), 'all'],
        [apps.flaky, receiver('flaky'), 'stored'],
        [apps.dead, receiver('dead'), 'stored'],
      ]);
      running = await start({ topology, domain, env: ENV });
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await Promise.all(sockets.map((socket) => socket.close()));
      await running?.domain.close();
      await Promise.all(Object.values(receivers).map((r) => r.stop()));
    }, START_TIMEOUT_MS);

    it('an offline recipient makes one message.stored, signed as documented', async () => {
      const [sender, senderId] = await login('stored');
      const offline = user(apps.stored);
      sender.send({ type: 'MESSAGE', data: { to: offline, content: 'while you were away' } });
      const event = await storedFor(receiver('stored'), offline);
      expect(event).toEqual(expect.objectContaining({ type: 'message.stored', app: apps.stored.appName, domain: running?.domain.domain }));
      expect(event.data).toEqual({ messageId: expect.any(String) as string, to: offline, from: senderId });
      const request = receiver('stored').requests.find((r) => r.events.some((e) => e.id === event.id));
      const header = String(request?.headers[WEBHOOK_SIGNATURE_HEADER]);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      expect(createHmac('sha256', apps.stored.secret).update(`${t}.${request?.body}`).digest('hex')).toBe(v1);
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      expect((await verifyWebhook(apps.stored.secret, header, request?.body ?? '')).ok).toBe(true);
      // one event: once a later message's event came, the first one's id is still there once
      const later = user(apps.stored);
      sender.send({ type: 'MESSAGE', data: { to: later, content: 'and this one' } });
      await storedFor(receiver('stored'), later);
      expect(receiver('stored').events.filter((e) => e.id === event.id)).toHaveLength(1);
    });

    it('a receiver answering 500 three times, then 200, gets the event with the same id each time', async () => {
      const [sender] = await login('flaky');
      const offline = user(apps.flaky);
      sender.send({ type: 'MESSAGE', data: { to: offline, content: 'retried' } });
      await waitFor('the event accepted by the flaky receiver', () => receiver('flaky').accepted.length > 0, { timeoutMs: 60_000 });
      const requests = receiver('flaky').requests;
      expect(requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
      const ids = requests.map((r) => r.events.map((e) => e.id));
      expect(ids).toEqual([ids[0], ids[0], ids[0], ids[0]]);
      expect(requests[3].events[0].data).toEqual(expect.objectContaining({ to: offline }));
    });

    it('a receiver that never answers: messages flow as usual and its retry backlog stays within its bound', async () => {
      const [a] = await login('dead');
      const [b, bId] = await login('dead');
      const urls = (): string[] => running?.metricsUrls() ?? [];
      const pending = (): Promise<number> => metricSum(urls(), 'linker_webhook_pending', apps.dead.appName);
      const dropped = (): Promise<number> => metricSum(urls(), 'linker_webhook_dropped_total', apps.dead.appName);
      const perRound = 6;
      const rounds = 10;
      let mostPending = 0;
      for (let round = 1; round <= rounds; round++) {
        for (let i = 0; i < perRound; i++) a.send({ type: 'MESSAGE', data: { to: user(apps.dead), content: `offline ${round}.${i}` } });
        const sentAt = Date.now();
        a.send({ type: 'MESSAGE', data: { to: bId, content: `live ${round}` } });
        // The live message comes after this round's events were queued (one batch of the intake), so each round's
        // events are a batch of their own for the webhook sender: the bound drops whole batches, oldest first.
        await b.message(`live ${round}`, LIVE_DEADLINE_MS);
        expect(Date.now() - sentAt).toBeLessThan(LIVE_DEADLINE_MS);
        // The first request waits out its timeout, and the events behind it would come as one batch: from then on the
        // app is paused, and its events are queued as they come.
        if (round === 1)
          await waitFor('the first batch to fail and wait for a retry', async () => (await pending()) > 0, { timeoutMs: 30_000 });
      }
      // The dead receiver's batches wait on the parked topic, read back every 15 s at most.
      await waitFor(
        `the ${rounds * perRound} events of the dead receiver pending or dropped`,
        async () => {
          const held = await pending();
          mostPending = Math.max(mostPending, held);
          return held + (await dropped()) >= rounds * perRound;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      expect(mostPending).toBeLessThanOrEqual(MAX_PENDING);
      expect(await pending()).toBeGreaterThan(0);
      expect(await dropped()).toBeGreaterThanOrEqual(rounds * perRound - MAX_PENDING);
      expect(receiver('dead').requests.length).toBeGreaterThan(0);
    });
  });
}

/** The `message.stored` event for `to`, once `receiver` got it. */
function storedFor(receiver: WebhookReceiver, to: string): Promise<WebhookEvent> {
  return waitFor(
    `a message.stored event for ${to}`,
    () => receiver.events.find((e) => e.type === 'message.stored' && (e.data as { to?: string }).to === to),
    { timeoutMs: 30_000 },
  );
}
