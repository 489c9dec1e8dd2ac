import { readFileSync } from 'node:fs';
import { checkAll, ConfigError } from '@linker/config';
import { errorMessage } from '@linker/kernel';

/** The files a TLS client uses: the CA the server's certificate must chain to, and its own certificate and key (mutual TLS). */
export interface ClientTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** What a TLS client takes (node's `tls.connect` options): PEM contents, read once at start-up. Unset `ca`: the system's CAs. */
export interface ClientTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * The client TLS of `files`, read and checked at start-up, or undefined when none is set: the certificate and key both
 * or neither, each file readable. `names` are the settings' variables, for the messages. Never says a file's content.
 * Throws `ConfigError` naming every problem.
 */
export function clientTlsOf(files: ClientTlsFiles, names: { ca: string; cert: string; key: string }): ClientTls | undefined {
  const optional = (path: string | undefined, name: string): Buffer | undefined =>
    path === undefined ? undefined : readSettingFile(path, name);
  const [, ca, cert, key] = checkAll(
    () => {
      if ((files.certFile === undefined) === (files.keyFile === undefined)) return;
      const [missing, set] = files.certFile === undefined ? [names.cert, names.key] : [names.key, names.cert];
      throw new ConfigError([`${missing} is required with ${set} (a client certificate and its key go together)`]);
    },
    () => optional(files.caFile, names.ca),
    () => optional(files.certFile, names.cert),
    () => optional(files.keyFile, names.key),
  );
  if (ca === undefined && cert === undefined) return undefined;
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert, key }) };
}

/** The content of the file a setting names, read at start-up; `ConfigError` naming the setting and the path (never the content) when it cannot be read. */
export function readSettingFile(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${name} ${path} cannot be read: ${errorMessage(error)}`]);
  }
}

/** Throws `ConfigError` naming each setting of `pairs` set without its partner (a user without its password). */
export function checkPartners(pairs: readonly [name: string, set: boolean, partner: string, partnerSet: boolean][]): void {
  const problems = pairs.filter(([, set, , partnerSet]) => set && !partnerSet).map(([name, , partner]) => `${name} needs ${partner}`);
  if (problems.length > 0) throw new ConfigError(problems);
}
