import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { askHealth, localUrl } from './health-probe';

describe('localUrl', () => {
  it('reaches a wildcard address on loopback and keeps any other host', () => {
    expect(localUrl('0.0.0.0', 8089, '/health')).toBe('http://127.0.0.1:8089/health');
    expect(localUrl('::', 9000, '/health')).toBe('http://[::1]:9000/health');
    expect(localUrl('127.0.0.1', 9464, '/health')).toBe('http://127.0.0.1:9464/health');
    expect(localUrl('::1', 1, '/h')).toBe('http://[::1]:1/h');
  });
});

describe('askHealth', () => {
  let server: Server;
  let status = 200;
  let port = 0;
  beforeAll(async () => {
    server = createServer((_request, response) => response.writeHead(status).end('{"status":"running"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is healthy on a 2xx answer and shows the body', async () => {
    status = 200;
    await expect(askHealth(localUrl('0.0.0.0', port, '/health'))).resolves.toEqual({
      healthy: true,
      detail: `http://127.0.0.1:${port}/health: 200 {"status":"running"}`,
    });
  });

  it('is unhealthy on a 503 (an app that is starting or draining)', async () => {
    status = 503;
    await expect(askHealth(localUrl('127.0.0.1', port, '/health'))).resolves.toMatchObject({ healthy: false });
  });

  it('is unhealthy, without throwing, when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const answer = await askHealth(localUrl('127.0.0.1', free, '/health'), 2_000);
    expect(answer.healthy).toBe(false);
    expect(answer.detail).toContain(`127.0.0.1:${free}`);
  });
});
