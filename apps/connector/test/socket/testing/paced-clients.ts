import { Worker } from 'node:worker_threads';
import { waitFor } from '@linker/testing';

/** One client of `PacedClients`: a user sending one MESSAGE every `1000 / perSecond` ms, never catching up. */
export interface PacedClientSpec {
  userId: string;
  perSecond: number;
}

/** What one paced client did and was told, so far. */
export interface PacedTally {
  sent: number;
  /** INVALID_MESSAGE frames received, by code. */
  refused: Record<string, number>;
  /** Set once the server closed the connection. */
  closeCode?: number;
}

/**
 * Runs in the worker: one ws client per spec, authenticated, then paced by `setInterval` (a late tick sends one frame,
 * never a catch-up burst, so a client never sends faster than its rate, even on a loaded machine).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const clients = workerData.specs.map((spec) => ({ spec, tally: { sent: 0, refused: {} }, timer: undefined, ws: undefined }));
const report = (kind) => parentPort.postMessage({ kind, tallies: Object.fromEntries(clients.map((c) => [c.spec.userId, c.tally])) });
const open = (client) => new Promise((resolve, reject) => {
  const ws = new WebSocket(workerData.url);
  client.ws = ws;
  ws.on('error', reject);
  ws.on('close', (code) => { client.tally.closeCode = code; clearInterval(client.timer); });
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'AUTH_CLIENT_REPLY') return frame.data.isAuthenticated ? resolve() : reject(new Error('not authenticated'));
    if (frame.type === 'INVALID_MESSAGE') client.tally.refused[frame.data.code] = (client.tally.refused[frame.data.code] || 0) + 1;
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId: client.spec.userId, token: 'secret-token' } })));
});
const send = (client) => {
  if (client.ws.readyState !== WebSocket.OPEN) return;
  client.tally.sent += 1;
  client.ws.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'paced' }, reference: client.spec.userId + '-' + client.tally.sent }));
};
parentPort.on('message', (command) => {
  if (command === 'go') for (const c of clients) c.timer = setInterval(() => send(c), 1000 / c.spec.perSecond);
  if (command === 'stop') for (const c of clients) clearInterval(c.timer);
  if (command === 'report' || command === 'stop') report('tallies');
  if (command === 'close') { for (const c of clients) { clearInterval(c.timer); c.ws && c.ws.terminate(); } parentPort.close(); }
});
Promise.all(clients.map(open)).then(() => report('ready'), (error) => parentPort.postMessage({ kind: 'failed', error: String(error) }));
`;

interface WorkerReport {
  kind: 'ready' | 'tallies' | 'failed';
  tallies?: Record<string, PacedTally>;
  error?: string;
}

/**
 * WebSocket clients that send at a steady pace from a worker thread, so they keep sending while the test's own event
 * loop (and the connector's, in the same thread) is blocked: the frames wait in the kernel meanwhile, as they do when a
 * server stalls. Everything has a deadline; `close` ends the worker.
 */
export class PacedClients {
  private latest: Record<string, PacedTally> = {};
  private failure: string | undefined;
  private ready = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (report: WorkerReport) => {
      if (report.kind === 'failed') this.failure = report.error;
      if (report.kind === 'ready') this.ready = true;
      if (report.tallies) this.latest = report.tallies;
    });
    worker.on('error', (error) => (this.failure = String(error)));
  }

  /** Connect and authenticate every client (`appId` app-1, as the connector tests' fake processor expects). */
  static async start(url: string, specs: readonly PacedClientSpec[]): Promise<PacedClients> {
    const worker = new Worker(WORKER, { eval: true, workerData: { url, specs, wsPath: require.resolve('ws') } });
    const clients = new PacedClients(worker);
    try {
      await waitFor('the paced clients to authenticate', () => clients.check() && clients.ready);
    } catch (error) {
      await clients.close();
      throw error;
    }
    return clients;
  }

  /** Start sending. */
  go(): void {
    this.worker.postMessage('go');
  }

  /** Stop sending; the tallies once the worker reported them. */
  async stop(): Promise<Record<string, PacedTally>> {
    return this.report('stop');
  }

  /** The tallies as the worker has them now. */
  async report(command: 'report' | 'stop' = 'report'): Promise<Record<string, PacedTally>> {
    const before = this.latest;
    this.worker.postMessage(command);
    await waitFor('the paced clients to report', () => this.check() && this.latest !== before);
    return this.latest;
  }

  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.worker.terminate();
  }

  private check(): true {
    if (this.failure !== undefined) throw new Error(`paced clients failed: ${this.failure}`);
    return true;
  }
}
