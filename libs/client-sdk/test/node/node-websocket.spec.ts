import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@linker/testing';
import { boundNodeWebSocket, NodeWebSocket } from '../../src/node/node-websocket';

describe('NodeWebSocket', () => {
  let server: WebSocketServer;
  const peers: string[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket, request) => {
      peers.push(request.socket.remoteAddress ?? '');
      socket.on('message', (data, isBinary) => socket.send(isBinary ? `echo binary:${data.toString('hex')}` : `echo:${data.toString()}`));
    });
    await new Promise((resolve) => server.once('listening', resolve));
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('speaks the WHATWG shape over ws, text frames as strings', async () => {
    const socket = new NodeWebSocket(url());
    const received: unknown[] = [];
    socket.onmessage = (event) => received.push(event.data);
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send('hi');
    await waitFor('the echo', () => received.length === 1);
    expect(received).toEqual(['echo:hi']);
    socket.close(1000, 'done');
  });

  it('sends bytes as a binary frame, or as a text frame of exactly those bytes', async () => {
    const socket = new NodeWebSocket(url());
    const received: unknown[] = [];
    socket.onmessage = (event) => received.push(event.data);
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send(Uint8Array.of(1, 2));
    socket.send(Uint8Array.of(0x7b, 0x7d), { binary: false });
    await waitFor('both echoes', () => received.length === 2);
    expect(received).toEqual(['echo binary:0102', 'echo:{}']);
    socket.close(1000, 'done');
  });

  it('binds the sockets of a bound variant to its local address', async () => {
    const Bound = boundNodeWebSocket('127.0.0.2');
    const socket = new Bound(url());
    await new Promise((resolve) => (socket.onopen = resolve));
    expect(peers[peers.length - 1]).toBe('127.0.0.2');
    socket.close();
  });
});
