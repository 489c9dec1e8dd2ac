import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:tls';
import {
  batteryTopology,
  fingerprintOf,
  startEmbeddedDomain,
  TestPki,
  waitFor,
  type EmbeddedDomain,
  type TestCertificate,
} from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';

// TLS on the client endpoints of an embedded domain (the built entry): the connector serves wss:// (and its
// GET /health over https://), the meta-server and the web UI https://, all from LINKER_TLS_CERT_FILE and
// LINKER_TLS_KEY_FILE, a certificate from a test CA made with openssl for this test. A renewed certificate is served to
// new connections while the open ones go on.

/** One domain, the original's app, authentication off. */
const TOPOLOGY = batteryTopology('domain-01');

describe('TLS on the client endpoints (embedded mode)', () => {
  jest.setTimeout(90_000);
  const pki = new TestPki();
  const ca = pki.ca('client-ca');
  const server: TestCertificate = pki.issue(ca, 'domain-01-server');
  const trust = readFileSync(ca.certFile, 'utf8');
  const sockets: RawSocket[] = [];
  let domain: EmbeddedDomain;

  beforeAll(async () => {
    domain = await startEmbeddedDomain({
      topology: TOPOLOGY,
      domain: 'domain-01',
      ui: true,
      env: { LINKER_TLS_CERT_FILE: server.certFile, LINKER_TLS_KEY_FILE: server.keyFile },
    });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await domain?.close();
    pki.cleanUp();
  });

  const clientUrl = (): string => domain.connectorUrls[0];

  async function login(userId: string): Promise<RawSocket> {
    expect(clientUrl()).toMatch(/^wss:/);
    const socket = await RawSocket.open(clientUrl(), userId, { ca: trust });
    sockets.push(socket);
    return seedLogin(socket, userId);
  }

  /** `GET url` over https trusting the test CA: the status and the body. */
  function httpsGet(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = get(url, { ca: trust, timeout: 10_000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within 10 s`)));
      request.on('error', reject);
    });
  }

  /** The fingerprint of the certificate a new TLS connection to the client port is shown, trusting the test CA or (`false`) only the system's. */
  function servedFingerprint(trustingTestCa = true): Promise<string> {
    const { hostname, port } = new URL(clientUrl());
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), ...(trustingTestCa ? { ca: trust } : {}) }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.destroy();
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
      socket.on('error', reject);
    });
  }

  /** `from` sends `to` a MESSAGE; resolves once `to` received it. */
  async function exchange(from: RawSocket, to: RawSocket, content: string): Promise<void> {
    from.send(JSON.stringify({ type: 'MESSAGE', data: { to: to.label, content }, reference: content }));
    const delivered = await to.next('MESSAGE', (frame) => frame.data.content === content);
    expect(delivered.data).toMatchObject({ from: from.label, content });
  }

  it('serves wss://, and https:// for the meta-server and the web UI', async () => {
    expect(clientUrl()).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(domain.metaServerUrl).toMatch(/^https:\/\//);
    expect(domain.uiUrl).toMatch(/^https:\/\//);
    expect((await httpsGet(`${domain.metaServerUrl}/topology`)).status).toBe(200);
    expect(JSON.parse((await httpsGet(`${domain.uiUrl}/api/info`)).body)).toMatchObject({ domain: 'domain-01' });
    expect((await httpsGet(clientUrl().replace(/^wss:/, 'https:').replace(/\/ws$/, '/health'))).status).toBe(200);
    // A client that trusts only the system's CAs refuses the certificate.
    await expect(servedFingerprint(false)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('a client trusting the test CA logs in over wss:// and exchanges messages', async () => {
    const [one, two] = [await login('ANZ-100'), await login('ANZ-200')];
    await exchange(one, two, 'over tls, one to two');
    await exchange(two, one, 'over tls, two to one');
  });

  it('a renewed certificate is served to new connections while a connected client goes on', async () => {
    const [kept, peer] = [await login('ANZ-300'), await login('ANZ-400')];
    const before = fingerprintOf(server.certFile);
    expect(await servedFingerprint()).toBe(before);

    pki.issue(ca, 'domain-01-server', server);
    const after = fingerprintOf(server.certFile);
    await waitFor('a new connection to be shown the renewed certificate', async () => (await servedFingerprint()) === after, {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await domain.process.waitForOutput(/"msg":"TLS certificate reloaded"/, 5_000);

    expect(kept.closeInfo).toBeUndefined();
    await exchange(kept, peer, 'after the renewal, on the connection opened before it');
    const fresh = await login('ANZ-500');
    await exchange(fresh, kept, 'after the renewal, on a new connection');
  });
});
