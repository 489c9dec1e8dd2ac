import { randomBytes } from 'node:crypto';
import type { Topology } from '@linker/topology';
import type { DomainOptions, DomainUnderTest } from '../domains/domain-under-test';
import { apiCall } from '../api-client';
import { waitFor } from '../wait-for';
import { atAddress, PUSH_SEED, REALTIMER_SEED, runCommand, StreamingCommand, TextSocket } from './push-seed';
import { RawSocket } from './raw-socket';
import { ANZ, SUITE_ENV, suiteDomains, suiteTopology, UserIds } from './suite-topology';

/** A domain serving the Push endpoints (on every connector's client port) and the realtimer port (`realtimerUrl`). */
export interface CompatDomain {
  domain: DomainUnderTest;
  /** `http://127.0.0.1:<port>` of one connector's realtimer-compatible port. */
  realtimerUrl: string;
}

export type StartCompatDomain = (options: DomainOptions) => Promise<CompatDomain>;

/** The Push heartbeat interval of the domain under test. */
const PUSH_HEARTBEAT_MS = 400;

/**
 * The settings of the domain under test: Push endpoints for ANZ, publishing open (the seed's curl carries no key),
 * short heartbeats, the realtimer port on any free port (each connector its own, logged), for ANZ too.
 */
const PUSH_COMPAT_ENV = {
  ...SUITE_ENV,
  LINKER_PUSH: 'public',
  LINKER_PUSH_APP: ANZ.appName,
  LINKER_PUSH_PUBLISH: 'open',
  LINKER_PUSH_HEARTBEAT_MS: String(PUSH_HEARTBEAT_MS),
  LINKER_REALTIMER_PORT: '0',
  LINKER_REALTIMER_APP: ANZ.appName,
} as const;

/** The suite's topology, with the seeds' channels declared public for ANZ: `qwerty`, `xyz`, `testUserId`. */
function compatTopology(): { topology: Topology; domain: string } {
  const domains = suiteDomains();
  const topology = suiteTopology(domains, 'http://127.0.0.1:1/auth');
  const anz = topology.clientApps.find((app) => app.appName === ANZ.appName);
  anz?.channels?.unshift(
    { pattern: 'qwerty', subscribe: 'public' },
    { pattern: 'xyz', subscribe: 'public' },
    { pattern: 'testUserId', subscribe: 'public' },
  );
  return { topology, domain: domains.domain };
}

/** `http://host:port` of a connector's client port, from its `ws://host:port/ws`. */
function httpBase(wsUrl: string): string {
  return wsUrl.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
}

/**
 * The Push service's and the realtimer's README commands against a domain (docs/protocol.md,
 * Compatible HTTP endpoints), whatever runs it. With several connectors the subscribers sit on different
 * connectors from the publisher: a count covers the whole domain.
 */
export function pushCompatBehaviour(name: string, start: StartCompatDomain): void {
  describe(name, () => {
    jest.setTimeout(60_000);
    let running: CompatDomain | undefined;
    const started: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
    const users = new UserIds();
    const base = (i: number): string => {
      const urls = (running as CompatDomain).domain.connectorUrls;
      return httpBase(urls[i % urls.length]);
    };
    const sse = (command: string, i: number): StreamingCommand => {
      const stream = new StreamingCommand(atAddress(command, base(i)));
      started.push(stream);
      return stream;
    };
    const socket = (url: string, i: number): TextSocket => {
      const opened = new TextSocket(atAddress(url, base(i)));
      started.push(opened);
      return opened;
    };
    /** The seed's publish with another message: the subscribers it reached. */
    const publish = async (channel: string, message: string, i = 0): Promise<number> => {
      const command = atAddress(PUSH_SEED.publish, base(i)).replace(
        `'{"channel":"qwerty","message":"a message to channel 'qwerty'"}'`,
        `'${JSON.stringify({ channel, message })}'`,
      );
      return (JSON.parse(await runCommand(command)) as { subscribers: number }).subscribers;
    };

    beforeAll(async () => {
      const { topology, domain } = compatTopology();
      running = await start({ topology, domain, env: { ...PUSH_COMPAT_ENV }, adminToken: randomBytes(24).toString('base64url') });
    }, 120_000);
    afterEach(async () => {
      await Promise.all(started.splice(0).map((item) => ('stop' in item ? item.stop() : item.close())));
    });
    afterAll(() => running?.domain.close(), 120_000);

    it("answers the Push README's publish, SSE and WebSocket commands as that README shows", async () => {
      expect(await runCommand(atAddress(PUSH_SEED.publish, base(0)))).toBe(PUSH_SEED.publishOutput);
      const stream = sse(PUSH_SEED.sse, 0);
      const ws = socket(PUSH_SEED.ws, 1);
      await stream.until(PUSH_SEED.sseHeartbeat);
      await ws.until(PUSH_SEED.wsPing);
      expect(await runCommand(atAddress(PUSH_SEED.publish, base(0)))).toBe('{"subscribers":2}');
      const events = await stream.until(PUSH_SEED.sseMessage);
      expect(events[0]).toBe(PUSH_SEED.sseHeartbeat);
      expect(new Set(events)).toEqual(new Set([PUSH_SEED.sseHeartbeat, PUSH_SEED.sseMessage]));
      const texts = await ws.until(PUSH_SEED.wsMessage);
      expect(texts[0]).toBe(PUSH_SEED.wsPing);
      expect(new Set(texts)).toEqual(new Set([PUSH_SEED.wsPing, PUSH_SEED.wsMessage]));
    });

    it("delivers the realtimer README's curl to the readers of its channel, and to a user when the id is one", async () => {
      const stream = sse(`curl 'http://localhost:8080/sse/messages?channels=testUserId'`, 1);
      await stream.until(PUSH_SEED.sseHeartbeat);
      const answer = JSON.parse(await runCommand(atAddress(REALTIMER_SEED.publish, (running as CompatDomain).realtimerUrl))) as unknown;
      expect(answer).toEqual({ id: expect.any(String) });
      await stream.until(REALTIMER_SEED.sseMessage);

      const userId = users.anz();
      const user = await RawSocket.open((running as CompatDomain).domain.connectorUrls[0], userId);
      started.push(user);
      expect((await user.auth(ANZ.appId, userId)).data.isAuthenticated).toBe(true);
      const command = atAddress(REALTIMER_SEED.publish, (running as CompatDomain).realtimerUrl).replace('testUserId', userId);
      await runCommand(command);
      expect(await user.message('testData')).toMatchObject({ type: 'MESSAGE', data: { from: ANZ.master, content: 'testData' } });
    });

    it('answers bad requests with their documented error, publishes nothing for them, and keeps serving', async () => {
      const stream = sse(`curl 'http://localhost:8080/sse/messages?channels=qwerty'`, 1);
      await stream.until(PUSH_SEED.sseHeartbeat);
      const refusals: Array<[string, string, Parameters<typeof apiCall>[3], number, string]> = [
        ['GET', '/sse/messages', {}, 400, 'INVALID_FIELD'],
        ['GET', `/sse/messages?channels=${Array.from({ length: 11 }, (_, i) => `news-${i}`).join(',')}`, {}, 400, 'INVALID_FIELD'],
        ['GET', '/sse/messages?channels=qwerty,undeclared', {}, 404, 'UNKNOWN_CHANNEL'],
        ['GET', '/sse/messages?channels=qwerty,private-1', {}, 403, 'NOT_ALLOWED'],
        ['POST', '/messages', { raw: '{"channel":"qwerty","message":' }, 400, 'MALFORMED_JSON'],
        ['POST', '/messages', { json: { channel: 'qwerty', message: 'x'.repeat(300_000) } }, 413, 'TOO_LARGE'],
        ['POST', '/messages', { json: { channel: 'undeclared', message: 'refused' } }, 404, 'UNKNOWN_CHANNEL'],
      ];
      for (const [method, path, options, status, code] of refusals) {
        const answer = await apiCall(base(0), method, path, options);
        expect([path.slice(0, 40), answer.status, answer.body.code]).toEqual([path.slice(0, 40), status, code]);
      }
      const realtimer = await apiCall((running as CompatDomain).realtimerUrl, 'GET', '/testUserId');
      expect([realtimer.status, realtimer.body.code]).toEqual([400, 'INVALID_FIELD']);
      expect(await publish('qwerty', 'served')).toBe(1);
      const events = await stream.until('event:message\ndata:{"channel":"qwerty","message":"served"}');
      expect(events.filter((event) => event !== PUSH_SEED.sseHeartbeat)).toHaveLength(1);
    });

    it('sends heartbeats at the configured interval, and a subscriber stops counting once it disconnects', async () => {
      const openedAt = Date.now();
      const stream = sse(`curl 'http://localhost:8080/sse/messages?channels=xyz'`, 0);
      const ws = socket('ws://localhost:8080/ws/messages?channels=xyz', 1);
      await stream.until(PUSH_SEED.sseHeartbeat, 5);
      await ws.until(PUSH_SEED.wsPing, 5);
      // The first comes once the subscription counts, the others on the connector's one timer, an interval apart:
      // never more than one per interval since the request (a late read only makes fewer), and five within the wait's
      // deadline, which a 30 s default would never give.
      const elapsed = Date.now() - openedAt;
      expect(stream.events().filter((e) => e === PUSH_SEED.sseHeartbeat).length).toBeLessThanOrEqual(2 + elapsed / PUSH_HEARTBEAT_MS);
      expect(ws.texts.filter((t) => t === PUSH_SEED.wsPing).length).toBeLessThanOrEqual(2 + elapsed / PUSH_HEARTBEAT_MS);
      expect(await publish('xyz', 'counted')).toBe(2);
      await stream.stop();
      await waitFor('the SSE subscriber to leave presence', async () => (await publish('xyz', 'one left')) === 1);
      await ws.close();
      await waitFor('the WebSocket subscriber to leave presence', async () => (await publish('xyz', 'none left')) === 0);
    });
  });
}
