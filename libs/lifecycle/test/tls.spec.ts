import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { ConfigError } from '@linker/config';
import { createHttpServer, listenHttp, tlsFilesOf, type HttpListener } from '@linker/lifecycle';
import { fingerprintOf, RecordingLogger, TestPki, waitFor, type TestCertificate } from '@linker/testing';

describe('TLS files (LINKER_TLS_*)', () => {
  const pki = new TestPki();
  const ca = pki.ca('files-ca');
  const server = pki.issue(ca, 'files-server');
  const other = pki.issue(ca, 'files-other');
  afterAll(() => pki.cleanUp());

  const problemsOf = (config: Parameters<typeof tlsFilesOf>[0]): readonly string[] => {
    try {
      tlsFilesOf(config);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('no ConfigError');
  };

  it('means plain HTTP when neither file is set', () => {
    expect(tlsFilesOf({})).toBeUndefined();
  });

  it('takes a certificate, its key and a client CA that load', () => {
    expect(tlsFilesOf({ tlsCertFile: server.certFile, tlsKeyFile: server.keyFile, tlsClientCaFile: ca.certFile })).toEqual({
      certFile: server.certFile,
      keyFile: server.keyFile,
      caFile: ca.certFile,
    });
  });

  it('refuses a certificate without its key, a key without its certificate, and a client CA without either', () => {
    expect(problemsOf({ tlsCertFile: server.certFile })).toEqual(['LINKER_TLS_KEY_FILE is required with LINKER_TLS_CERT_FILE']);
    expect(problemsOf({ tlsKeyFile: server.keyFile })).toEqual(['LINKER_TLS_CERT_FILE is required with LINKER_TLS_KEY_FILE']);
    expect(problemsOf({ tlsClientCaFile: ca.certFile })[0]).toMatch(
      /LINKER_TLS_CLIENT_CA_FILE needs LINKER_TLS_CERT_FILE and LINKER_TLS_KEY_FILE/,
    );
  });

  it('names a file that cannot be read, and a key that is not the certificate’s, never printing a key', () => {
    const missing = join(pki.directory, 'missing.crt');
    expect(problemsOf({ tlsCertFile: missing, tlsKeyFile: server.keyFile })[0]).toMatch(
      /the TLS certificate .*missing\.crt cannot be read/,
    );
    const [mismatch] = problemsOf({ tlsCertFile: server.certFile, tlsKeyFile: other.keyFile });
    expect(mismatch).toMatch(/files-server\.crt and key .*files-other\.key do not load/);
    expect(mismatch).not.toContain('PRIVATE KEY');
  });
});

describe('an HTTPS server from createHttpServer', () => {
  jest.setTimeout(60_000);
  const pki = new TestPki();
  const ca = pki.ca('reload-ca');
  const files: TestCertificate = pki.issue(ca, 'reload-server');
  const logger = new RecordingLogger();
  const trust = readFileSync(ca.certFile);
  const sockets: TLSSocket[] = [];
  let server: Server;
  let listener: HttpListener;
  let port = 0;

  beforeAll(async () => {
    server = createHttpServer({}, (_request, response) => response.end('ok'), { files, logger });
    listener = await listenHttp(server, '127.0.0.1', 0);
    port = Number(new URL(listener.url).port);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await listener?.close();
    pki.cleanUp();
  });

  /** A TLS connection to the server trusting the test CA, once its handshake is done. */
  async function open(): Promise<TLSSocket> {
    const socket = connect({ host: '127.0.0.1', port, ca: trust });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket;
  }

  /** One HTTP request on an open connection; resolves with the answer's status line. */
  function request(socket: TLSSocket): Promise<string> {
    return new Promise((resolve, reject) => {
      socket.once('data', (data: Buffer) => resolve(data.toString().split('\r\n')[0]));
      socket.once('error', reject);
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
  }

  it('listens on https://', () => {
    expect(listener.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves a renewed certificate to new connections, keeps the open ones, and keeps the old one when the new pair is bad', async () => {
    const before = fingerprintOf(files.certFile);
    const kept = await open();
    expect(kept.getPeerCertificate().fingerprint256).toBe(before);

    pki.issue(ca, 'reload-server', files);
    const after = fingerprintOf(files.certFile);
    expect(after).not.toBe(before);
    await waitFor(
      'a new connection to see the renewed certificate',
      async () => {
        const socket = await open();
        const seen = socket.getPeerCertificate().fingerprint256;
        socket.destroy();
        return seen === after;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(logger.find('TLS certificate reloaded', { fingerprint256: after })).toHaveLength(1);
    expect(kept.destroyed).toBe(false);
    expect(await request(kept)).toBe('HTTP/1.1 200 OK');

    // A key that is not the certificate's: logged, and the renewed pair stays in use.
    const stranger = pki.issue(ca, 'stranger');
    writeFileSync(files.keyFile, readFileSync(stranger.keyFile));
    await waitFor('the bad pair to be logged', () => logger.count('error', 'TLS certificate not reloaded') > 0, { timeoutMs: 15_000 });
    const socket = await open();
    expect(socket.getPeerCertificate().fingerprint256).toBe(after);
    expect(JSON.stringify(logger.lines)).not.toContain('PRIVATE KEY');
  });
});
