import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as files (PEM). */
export interface TestCertificate {
  certFile: string;
  keyFile: string;
}

/** How long test certificates are valid: the test's day. */
const DAYS = '2';
/** An `openssl` call that does not answer within this is a failure, never a hang. */
const OPENSSL_TIMEOUT_MS = 20_000;

/**
 * Test CAs and certificates, made with the `openssl` binary in a temporary directory at test time (P-256 keys, valid
 * two days): nothing is committed. Certificates are for `127.0.0.1` and `localhost`, for both server and client use.
 * `cleanUp()` removes the directory.
 */
export class TestPki {
  readonly directory = mkdtempSync(join(tmpdir(), 'linker-test-pki-'));
  private serial = 0;

  /** A new self-signed CA named `name`. */
  ca(name: string): TestCertificate {
    const files = this.paths(name);
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      DAYS,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      files.keyFile,
      '-out',
      files.certFile,
    ]);
    return files;
  }

  /**
   * A certificate for `name` signed by `ca`; with `at`, written over those files (each replaced at once, by a rename,
   * as a certificate renewal does), else into new ones.
   */
  issue(ca: TestCertificate, name: string, at: TestCertificate = this.paths(name)): TestCertificate {
    this.serial += 1;
    const next = this.paths(`${name}.next${this.serial}`);
    const request = join(this.directory, `${name}.${this.serial}.csr`);
    const extensions = join(this.directory, `${name}.${this.serial}.ext`);
    writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
    openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      next.keyFile,
      '-out',
      request,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      String(Date.now() * 1000 + this.serial),
      '-days',
      DAYS,
      '-extfile',
      extensions,
      '-out',
      next.certFile,
    ]);
    renameSync(next.keyFile, at.keyFile);
    renameSync(next.certFile, at.certFile);
    return at;
  }

  cleanUp(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  private paths(name: string): TestCertificate {
    return { certFile: join(this.directory, `${name}.crt`), keyFile: join(this.directory, `${name}.key`) };
  }
}

/** The SHA-256 fingerprint of the certificate in `certFile` (as `getPeerCertificate().fingerprint256` gives it). */
export function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: OPENSSL_TIMEOUT_MS });
}
