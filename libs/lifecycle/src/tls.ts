import { X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createPlainServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { ConfigError, setting } from '@linker/config';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';

/** The files a TLS server serves from: its certificate chain and key (PEM), and the CA its clients' certificates must chain to. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Set: every client must present a certificate signed by this CA (mutual TLS); unset: none is asked for. */
  caFile?: string;
}

/** TLS on the HTTP servers of an app (the client port, the meta-server, the web UI): plain HTTP unless both files are set. */
export const tlsSettings = {
  tlsCertFile: setting({
    env: 'LINKER_TLS_CERT_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM certificate (chain) of the client-facing servers: set with `LINKER_TLS_KEY_FILE`, they serve `wss://` and `https://` only. Reloaded when the file changes (open connections are kept); a new pair that does not load is logged and the old one kept. Unset: plain `ws://` and `http://` (e.g. behind a proxy that terminates TLS).',
  }),
  tlsKeyFile: setting({
    env: 'LINKER_TLS_KEY_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM private key of `LINKER_TLS_CERT_FILE` (both or neither). Reloaded with it. Never logged.',
  }),
  tlsClientCaFile: setting({
    env: 'LINKER_TLS_CLIENT_CA_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM CA certificate(s): with TLS on, every client must present a certificate signed by one of them (mutual TLS), else the TLS handshake fails. Unset: no client certificate is asked for.',
  }),
};

type TlsConfig = Partial<Record<keyof typeof tlsSettings, string>>;

/** How often the certificate files are looked at, and how long after a change the pair is read (a key written after its certificate). */
const POLL_MS = 500;
const SETTLE_MS = 250;

/**
 * The TLS files of `config`, checked (both or neither of the certificate and key; each file readable; the key fits
 * the certificate), or undefined for plain HTTP. Throws `ConfigError` naming every problem, at start-up.
 */
export function tlsFilesOf(config: TlsConfig, names = { cert: 'LINKER_TLS_CERT_FILE', key: 'LINKER_TLS_KEY_FILE' }): TlsFiles | undefined {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile, tlsClientCaFile: caFile } = config;
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined)
      throw new ConfigError([`LINKER_TLS_CLIENT_CA_FILE needs ${names.cert} and ${names.key} (TLS is off without them)`]);
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError([
      `${certFile === undefined ? names.cert : names.key} is required with ${certFile === undefined ? names.key : names.cert}`,
    ]);
  }
  const files = { certFile, keyFile, ...(caFile === undefined ? {} : { caFile }) };
  readTls(files);
  return files;
}

/** The files read and checked as one secure context; throws `ConfigError` saying which file is wrong (never its content). */
export function readTls(files: TlsFiles): SecureContextOptions {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError([`the TLS ${what} ${path} cannot be read: ${errorMessage(error)}`]);
    }
  };
  const options = {
    cert: read(files.certFile, 'certificate'),
    key: read(files.keyFile, 'key'),
    ...(files.caFile === undefined ? {} : { ca: read(files.caFile, 'client CA') }),
  };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new ConfigError([`the TLS certificate ${files.certFile} and key ${files.keyFile} do not load: ${errorMessage(error)}`]);
  }
  return options;
}

/**
 * An HTTP server, or with `tls` an HTTPS one (client certificates required when `tls.caFile` is set) whose certificate
 * is reloaded when its files change (`watchTls`). The files are read now: a bad pair throws `ConfigError`.
 */
export function createHttpServer(options: ServerOptions, handler: RequestListener, tls?: { files: TlsFiles; logger: Logger }): Server {
  if (tls === undefined) return createPlainServer(options, handler);
  const server = createTlsServer({ ...options, ...tlsServerOptions(tls.files) }, handler);
  watchTls(server, tls.files, tls.logger);
  return server;
}

/** The files read as an HTTPS server's options: client certificates required when `files.caFile` is set. */
export function tlsServerOptions(files: TlsFiles): SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean } {
  return { ...readTls(files), ...(files.caFile === undefined ? {} : { requestCert: true, rejectUnauthorized: true }) };
}

/**
 * Reload `server`'s certificate, key and client CA when one of `files` changes (looked at every `POLL_MS`; a renewal
 * that replaces the files, a symlink swapped, is seen too): new connections get the new pair, open ones keep theirs.
 * A pair that does not load is logged and the one in use kept. Stops when the server closes.
 */
export function watchTls(server: TlsServer, files: TlsFiles, logger: Logger): void {
  const paths = [files.certFile, files.keyFile, ...(files.caFile === undefined ? [] : [files.caFile])];
  let timer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    timer = undefined;
    try {
      const options = readTls(files);
      server.setSecureContext(options);
      logger.info('TLS certificate reloaded', { certFile: files.certFile, ...describeCertificate(options.cert as Buffer) });
    } catch (error) {
      logger.error('TLS certificate not reloaded: the files do not load; the previous certificate stays in use', {
        certFile: files.certFile,
        keyFile: files.keyFile,
        error: errorMessage(error),
      });
    }
  };
  const changed = (current: { mtimeMs: number; ino: number }, previous: { mtimeMs: number; ino: number }): void => {
    if (current.mtimeMs === previous.mtimeMs && current.ino === previous.ino) return;
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  };
  for (const path of paths) watchFile(path, { interval: POLL_MS, persistent: false }, changed);
  server.once('close', () => {
    clearTimeout(timer);
    for (const path of paths) unwatchFile(path, changed);
  });
}

/** What a log line says of a certificate: its subject, expiry and fingerprint (public facts). */
function describeCertificate(pem: Buffer): Record<string, string> {
  try {
    const certificate = new X509Certificate(pem);
    return { subject: certificate.subject.replace(/\n/g, ', '), validTo: certificate.validTo, fingerprint256: certificate.fingerprint256 };
  } catch {
    return {};
  }
}
