import { readFileSync } from 'node:fs';
import { ConfigError } from '@linker/config';
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
  const problems: string[] = [];
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    const [missing, set] = files.certFile === undefined ? [names.cert, names.key] : [names.key, names.cert];
    problems.push(`${missing} is required with ${set} (a client certificate and its key go together)`);
  }
  const read = (path: string | undefined, name: string): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`${name} ${path} cannot be read: ${errorMessage(error)}`);
      return undefined;
    }
  };
  const tls = { ca: read(files.caFile, names.ca), cert: read(files.certFile, names.cert), key: read(files.keyFile, names.key) };
  if (problems.length > 0) throw new ConfigError(problems);
  if (files.caFile === undefined && files.certFile === undefined) return undefined;
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined)) as ClientTls;
}

/** Problems of a pair of settings that go together (a user and its password): the message when one is set alone. */
export function partnerProblems(pairs: readonly [name: string, set: boolean, partner: string, partnerSet: boolean][]): string[] {
  return pairs.filter(([, set, , partnerSet]) => set && !partnerSet).map(([name, , partner]) => `${name} needs ${partner}`);
}
