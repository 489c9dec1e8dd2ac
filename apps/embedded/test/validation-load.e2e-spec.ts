import { join } from 'node:path';
import { startEmbeddedDomain, type EmbeddedDomain } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { readTopologyFile } from '@linker/topology';

// The embedded mode runs the meta-server, the connector and the processor on one event loop (ADR 0006): topology
// validations there must not hold up the domain's messages (ADR 0013). While ten large validations run, a chatting
// pair and GET /health are answered promptly.

const SINGLE = join(__dirname, '../../../topologies/single-domain.yaml');
const ADMIN = 'admin-token-of-the-validation-load-test-0123456789';
/** How long a message or a health request may take while validations run (a few ms when they do not). */
const PROMPT_MS = 1000;
/** Longest wait for one message or health answer: far past PROMPT_MS, so a slow one fails with its figure. */
const WAIT_MS = 10_000;
/** A domain that does not stop within this is killed, so the test cannot hang on a stuck process. */
const STOP_MS = 20_000;

const keys = (count: number): string => `domains: [{name: d}]\n${Array.from({ length: count }, (_, i) => `k${i}: 1\n`).join('')}`;

describe('embedded mode: large topology validations and the message path', () => {
  jest.setTimeout(120_000);
  let domain: EmbeddedDomain;
  const sockets: RawSocket[] = [];
  const validations = new AbortController();

  beforeAll(async () => {
    const { topology } = await readTopologyFile(SINGLE);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env: { LINKER_ADMIN_TOKEN: ADMIN } });
  });

  afterAll(async () => {
    validations.abort();
    await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, STOP_MS, 'late')));
    const closed = domain?.close();
    const outcome = await Promise.race([closed, deadline]);
    clearTimeout(timer);
    if (outcome === 'late') {
      await domain.process.stop('SIGKILL');
      await closed?.catch(() => undefined);
      throw new Error(`the embedded domain did not stop within ${STOP_MS} ms of SIGTERM: killed`);
    }
  });

  const login = async (userId: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(domain.connectorUrls[0], userId);
    sockets.push(socket);
    expect((await socket.auth('app-id-343', userId)).data.isAuthenticated).toBe(true);
    return socket;
  };

  it('a chatting pair and GET /health are answered within a second while ten large validations run', async () => {
    const [alice, bob] = [await login('ANZ-1'), await login('ANZ-2')];
    // Five of the largest documents read in full (just under the token limit), five of a megabyte (refused at it),
    // all at once and with the admin token, so none is turned away: they wait for their turn instead.
    const bodies = [...Array(5).fill(keys(6000)), ...Array(5).fill(keys(100_000))] as string[];
    let running = true;
    const statuses = Promise.all(
      bodies.map((body) =>
        fetch(`${domain.metaServerUrl}/topology/validate`, {
          method: 'POST',
          body,
          headers: { authorization: `Bearer ${ADMIN}` },
          signal: validations.signal,
        }).then(async (response) => (await response.arrayBuffer(), response.status)),
      ),
    ).finally(() => (running = false));
    statuses.catch(() => undefined); // awaited below; aborted by afterAll only when the test already failed

    const messageMs: number[] = [];
    const healthMs: number[] = [];
    for (let i = 0; running; i++) {
      const sent = Date.now();
      alice.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: `during validation ${i}` }, feature: 'FAST' });
      await bob.message(`during validation ${i}`, WAIT_MS);
      messageMs.push(Date.now() - sent);
      const asked = Date.now();
      const health = await fetch(`${domain.metaServerUrl}/health`, { signal: AbortSignal.timeout(WAIT_MS) }).catch((error: Error) => {
        throw new Error(`GET /health did not answer within ${WAIT_MS} ms while validations ran: ${error.message}`);
      });
      expect(health.status).toBe(200);
      healthMs.push(Date.now() - asked);
    }
    expect((await statuses).sort()).toEqual([200, 200, 200, 200, 200, 422, 422, 422, 422, 422]);
    // Messages went on while the validations ran, not only after them, each promptly.
    expect(messageMs.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...messageMs)).toBeLessThan(PROMPT_MS);
    expect(Math.max(...healthMs)).toBeLessThan(PROMPT_MS);
  });
});
