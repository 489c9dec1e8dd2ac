import { readFileSync } from 'node:fs';
import { ConfigError, setting } from '@linker/config';
import { errorMessage } from '@linker/kernel';
import { readSettingFile, tlsFilesOf, type TlsFiles } from '@linker/lifecycle';

/** What a dialer trusts and presents: the CA the neighbour's certificate must chain to, and its own certificate (mutual TLS). */
export interface DialTlsFiles {
  /** Unset: the system's CAs. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** TLS of a domain's links, both ways (the settings below, checked). */
export interface LinkTls {
  /** The link endpoint serves `wss://` from these files (client certificates required when `caFile` is set); absent: `ws://`. */
  listen?: TlsFiles;
  dial: DialTlsFiles;
  /** Whether links over `ws://` (or `tcp://`) may be dialed and a plain link endpoint served. */
  allowCleartext: boolean;
}

/** The link TLS settings (the processor's; the embedded mode reads them too). */
export const linkTlsSettings = {
  linkTlsCertFile: setting({
    env: 'LINKER_LINK_TLS_CERT_FILE',
    kind: 'string',
    optional: true,
    doc: "PEM certificate (chain) of this domain's links: served on its link endpoint (`wss://`), reloaded when it changes, and presented as a client certificate when dialing a neighbour (mutual TLS). Set with `LINKER_LINK_TLS_KEY_FILE`.",
  }),
  linkTlsKeyFile: setting({
    env: 'LINKER_LINK_TLS_KEY_FILE',
    kind: 'string',
    optional: true,
    doc: 'PEM private key of `LINKER_LINK_TLS_CERT_FILE` (both or neither). Never logged.',
  }),
  linkTlsCaFile: setting({
    env: 'LINKER_LINK_TLS_CA_FILE',
    kind: 'string',
    optional: true,
    doc: "PEM CA certificate(s) a neighbour's link certificate must be signed by; a neighbour whose certificate fails the check is refused, logged and counted (`linker_link_tls_refused_total{peer}`), and dialed again later. Unset: the system's CAs.",
  }),
  linkTlsClientCerts: setting({
    env: 'LINKER_LINK_TLS_CLIENT_CERTS',
    kind: 'boolean',
    default: false,
    doc: 'The link endpoint requires every neighbour to present a client certificate signed by `LINKER_LINK_TLS_CA_FILE` (mutual TLS), on top of the shared-secret challenge; one without is refused during the TLS handshake.',
  }),
  linksAllowCleartext: setting({
    env: 'LINKER_LINKS_ALLOW_CLEARTEXT',
    kind: 'boolean',
    default: false,
    doc: 'Allow unencrypted links: dial neighbours whose link endpoint is `ws://` or `tcp://`, and serve a plain link endpoint when `LINKER_LINK_TLS_CERT_FILE` is unset (warned at start-up). `false`: such a neighbour is not dialed (logged), and a processor holding the link endpoint without a certificate does not start. The embedded mode (`npm start`) allows them unless this is set to `false`.',
  }),
};

type LinkTlsConfig = {
  readonly [K in Exclude<keyof typeof linkTlsSettings, 'linkTlsClientCerts' | 'linksAllowCleartext'>]?: string;
} & { readonly linkTlsClientCerts: boolean; readonly linksAllowCleartext: boolean };

/**
 * The link TLS of `config`, checked at start-up: the certificate and key both or neither and loading together, the CA
 * readable, client certificates only with a CA, and no cleartext endpoint unless allowed (`listens`: this process holds
 * the link endpoint). Throws `ConfigError` naming every problem.
 */
export function linkTlsOf(config: LinkTlsConfig, listens: boolean): LinkTls {
  const problems: string[] = [];
  const { linkTlsCertFile: certFile, linkTlsKeyFile: keyFile, linkTlsCaFile: caFile } = config;
  let served: TlsFiles | undefined;
  try {
    served = tlsFilesOf(
      { tlsCertFile: certFile, tlsKeyFile: keyFile },
      { cert: 'LINKER_LINK_TLS_CERT_FILE', key: 'LINKER_LINK_TLS_KEY_FILE' },
    );
  } catch (error) {
    problems.push(...(error instanceof ConfigError ? error.problems : [errorMessage(error)]));
  }
  if (caFile !== undefined) {
    try {
      readSettingFile(caFile, 'LINKER_LINK_TLS_CA_FILE');
    } catch (error) {
      problems.push(...(error as ConfigError).problems);
    }
  }
  if (config.linkTlsClientCerts && caFile === undefined)
    problems.push('LINKER_LINK_TLS_CLIENT_CERTS needs LINKER_LINK_TLS_CA_FILE, the CA client certificates are checked against');
  if (listens && certFile === undefined && !config.linksAllowCleartext) {
    problems.push(
      'this process holds the link endpoint but LINKER_LINK_TLS_CERT_FILE and LINKER_LINK_TLS_KEY_FILE are unset: set them (wss://), or LINKER_LINKS_ALLOW_CLEARTEXT=true to accept unencrypted links',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const listen = served && { ...served, ...(config.linkTlsClientCerts && caFile !== undefined ? { caFile } : {}) };
  return { listen, dial: { caFile, certFile, keyFile }, allowCleartext: config.linksAllowCleartext };
}

/**
 * Whether a connection failure is a TLS refusal: the peer's certificate did not verify (unknown CA, wrong name,
 * expired), or the peer refused ours (a TLS alert).
 */
export function isTlsRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^ERR_(SSL|TLS)_|CERT|SIGNATURE|ISSUER/.test(code);
}

/** The CA, certificate and key of `files` as a TLS client takes them, read now (so a renewed file is used by the next dial). */
export function readDialTls({ caFile, certFile, keyFile }: DialTlsFiles = {}): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ...(caFile === undefined ? {} : { ca: readFileSync(caFile) }),
    ...(certFile === undefined || keyFile === undefined ? {} : { cert: readFileSync(certFile), key: readFileSync(keyFile) }),
  };
}
