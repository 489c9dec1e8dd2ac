import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { linkEnvelope, Receiver, TEST_LINK_LIMITS } from '@linker/testing/contracts/domain-link.contract';
import { RecordingLogger, waitFor } from '@linker/testing';
import { countByStatus, rawConnections, type RawConnection } from '@linker/testing/e2e/raw-connection';
import type { LinkLimits } from '../../src/link-limits';
import type { OutboundLink } from '../../src/link.port';
import { dialLink } from '../../src/ws/link-dialer';
import { LinkServer } from '../../src/ws/link-server';
import { FakeLinkDialer, FakeLinkServer, honestServer } from './testing/fake-peer';

const secretFor = (): string => 'shared-secret';
const until = <T>(what: string, condition: () => T | undefined | null | false): Promise<T> =>
  waitFor(what, condition, { timeoutMs: 5_000 });

describe('ws link adapter faults (scripted fake peers over loopback)', () => {
  const closers: Array<() => unknown> = [];
  let logger: RecordingLogger;
  let receiver: Receiver;

  beforeEach(() => {
    logger = new RecordingLogger();
    receiver = new Receiver();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function server(
    limits: Partial<LinkLimits> = {},
    options: { server?: Server; endpoint?: string; maxConnections?: number } = {},
  ): Promise<LinkServer> {
    const listener = await LinkServer.listen({
      domain: 'b',
      endpoint: options.endpoint ?? 'ws://127.0.0.1:0',
      acceptsPeer: () => true,
      secretFor,
      onReceive: receiver.handler,
      limits: { ...TEST_LINK_LIMITS, ...limits },
      logger,
      server: options.server,
      maxConnections: options.maxConnections,
    });
    closers.push(() => listener.close());
    return listener;
  }

  function dial(endpoint: string, from = 'a', limits: Partial<LinkLimits> = {}): OutboundLink {
    const link = dialLink({ domain: from, peer: 'b', endpoint, secretFor, limits: { ...TEST_LINK_LIMITS, ...limits }, logger });
    closers.push(() => link.close());
    return link;
  }

  async function fakeDialer(endpoint: string): Promise<FakeLinkDialer> {
    const fake = await FakeLinkDialer.connect(endpoint);
    closers.push(() => fake.close());
    return fake;
  }

  it('cuts a peer that sends garbage after the handshake (4400) and logs it, while another peer keeps working', async () => {
    const listener = await server();
    const good = dial(listener.endpoint, 'c');
    await until('the good link to be up', () => good.up);
    const fake = await fakeDialer(listener.endpoint);
    await fake.handshake('a', 'shared-secret');
    fake.send('{not json');
    expect(await fake.closedWith()).toEqual({ code: 4400, reason: 'PROTOCOL_ERROR' });
    const line = await until('the cut to be logged', () => logger.find('link peer cut off', { peer: 'a', close: 'PROTOCOL_ERROR' })[0]);
    expect(line.fields.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    await good.send([linkEnvelope('c')]);
    expect(receiver.batches).toEqual([{ from: 'c', ids: [expect.any(String)] }]);
  });

  it('cuts a peer whose batch holds an invalid envelope or an unknown frame type (4400); nothing reaches the handler', async () => {
    const listener = await server();
    const invalid = await fakeDialer(listener.endpoint);
    await invalid.handshake('a', 'shared-secret');
    invalid.send(JSON.stringify({ type: 'batch', seq: 1, envelopes: [{ ...linkEnvelope('a'), lane: 'SLOW' }] }));
    expect((await invalid.closedWith()).code).toBe(4400);
    const unknown = await fakeDialer(listener.endpoint);
    await unknown.handshake('a', 'shared-secret');
    unknown.send(JSON.stringify({ type: 'gossip' }));
    expect((await unknown.closedWith()).code).toBe(4400);
    expect(receiver.batches).toEqual([]);
    expect(logger.find('link peer cut off', { close: 'PROTOCOL_ERROR' })[0].fields.detail).toContain('/envelopes/0/lane');
  });

  it('cuts a flooding peer (4429) and logs it', async () => {
    const listener = await server({ maxBatchEnvelopes: 10, inboundBurst: 10, inboundEnvelopesPerSecond: 5 });
    const fake = await fakeDialer(listener.endpoint);
    await fake.handshake('a', 'shared-secret');
    for (let seq = 1; seq <= 5; seq++) fake.sendBatch(seq, [linkEnvelope('a'), linkEnvelope('a'), linkEnvelope('a')]);
    expect(await fake.closedWith()).toEqual({ code: 4429, reason: 'FLOOD' });
    await until('the flood to be logged', () => logger.find('link peer cut off', { peer: 'a', close: 'FLOOD' }).length === 1);
    expect(listener.metrics().find((m) => m.peer === 'a')).toMatchObject({ cuts: 1, receivedEnvelopes: 9 });
  });

  it('cuts a peer that sends more unanswered batches than the window (4429)', async () => {
    const listener = await server({ maxInFlightBatches: 2 });
    receiver.hold();
    const fake = await fakeDialer(listener.endpoint);
    await fake.handshake('a', 'shared-secret');
    for (let seq = 1; seq <= 3; seq++) fake.sendBatch(seq, [linkEnvelope('a')]);
    expect(await fake.closedWith()).toEqual({ code: 4429, reason: 'FLOOD' });
    expect(logger.find('link peer cut off', { peer: 'a', close: 'FLOOD' })[0].fields.detail).toContain('unanswered');
  });

  it('closes a frame over the limit with 1009 (ws maxPayload) before it is read', async () => {
    const listener = await server();
    const fake = await fakeDialer(listener.endpoint);
    await fake.handshake('a', 'shared-secret');
    fake.sendBatch(1, [linkEnvelope('a', { data: 'z'.repeat(5000) })]);
    expect((await fake.closedWith()).code).toBe(1009);
    expect(receiver.batches).toEqual([]);
  });

  it('closes a dialer that does not complete the handshake in time (4408); a dialer facing a silent server gives up too', async () => {
    const listener = await server({ handshakeTimeoutMs: 100 });
    const silentDialer = await fakeDialer(listener.endpoint);
    expect(await silentDialer.closedWith()).toEqual({ code: 4408, reason: 'HANDSHAKE_TIMEOUT' });
    const silentServer = await FakeLinkServer.start(() => undefined);
    closers.push(() => silentServer.close());
    const link = dial(silentServer.endpoint, 'a', { handshakeTimeoutMs: 100 });
    const failure = await until('the dialer to time out', () => link.metrics().lastFailure);
    expect(failure).toMatchObject({ code: 'LINK_HANDSHAKE_TIMEOUT', closeCode: 4408 });
  });

  it('answers 408 to a connection that sends no request within the handshake deadline, and closes those over its cap at once', async () => {
    const listener = await server({ handshakeTimeoutMs: 200 }, { maxConnections: 3 });
    const link = dial(listener.endpoint);
    await until('the link to be up', () => link.up);
    const silent: RawConnection[] = await rawConnections(Number(new URL(listener.endpoint).port), 4);
    closers.push(() => silent.forEach((connection) => connection.socket.destroy()));
    await until('every silent connection closed', () => silent.every((connection) => connection.isClosed()));
    expect(countByStatus(silent)).toEqual({ 'HTTP/1.1 408 Request Timeout': 2, '': 2 });
    expect(link.metrics()).toMatchObject({ up: true, downs: 0 });
  });

  it('takes a link down when the peer stops answering pings, and reconnects', async () => {
    const silent = await FakeLinkServer.start(honestServer({ domain: 'b', secretFor, acceptsPeer: () => true }), { autoPong: false });
    closers.push(() => silent.close());
    const link = dial(silent.endpoint, 'a', { heartbeatMs: 50, missedPongs: 2 });
    const changes: boolean[] = [];
    link.onState((change) => changes.push(change.up));
    await until('the link to be up', () => link.up);
    await until('the link to go down after missed pongs', () => changes.includes(false));
    expect(link.metrics().lastFailure).toMatchObject({ code: 'LINK_DOWN', closeCode: 1006 });
    await until('the link to come back', () => link.metrics().ups >= 2);
  });

  it('measures the round trip from pongs, and dials the original tcp:// form of an endpoint', async () => {
    const listener = await server();
    expect((await fetch(`${listener.endpoint.replace(/^ws:/, 'http:')}/link`)).status).toBe(404);
    const link = dial(listener.endpoint.replace(/^ws:/, 'tcp:'), 'a', { heartbeatMs: 50, missedPongs: 20 });
    await until('a pong round trip', () => link.up && link.metrics().lastRttMs !== undefined);
    await link.send([linkEnvelope('a')]);
    expect(receiver.batches).toHaveLength(1);
  });

  it('attaches to an existing HTTP server (leaving its other requests alone), and refuses an invalid endpoint at once', async () => {
    const http = createServer((_q, response) => response.writeHead(200).end('app'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => http.close(resolve)));
    const port = (http.address() as AddressInfo).port;
    const listener = await server({}, { server: http, endpoint: `tcp://127.0.0.1:${port}` });
    expect(listener.endpoint).toBe(`ws://127.0.0.1:${port}`);
    const link = dial(listener.endpoint);
    await until('the link to be up', () => link.up);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(200);
    expect(() => dial('http://127.0.0.1:1')).toThrow(expect.objectContaining({ code: 'INVALID_LINK_ENDPOINT', retriable: false }));
  });
});
