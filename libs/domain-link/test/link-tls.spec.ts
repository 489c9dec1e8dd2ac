import { ConfigError } from '@linker/config';
import { linkTlsOf } from '@linker/domain-link';
import { TestPki } from '@linker/testing';

describe('the links’ TLS settings (LINKER_LINK_TLS_*, LINKER_LINKS_ALLOW_CLEARTEXT)', () => {
  const pki = new TestPki();
  const ca = pki.ca('links-ca');
  const own = pki.issue(ca, 'links-domain');
  afterAll(() => pki.cleanUp());
  const none = { linkTlsClientCerts: false, linksAllowCleartext: false };

  const problemsOf = (config: Parameters<typeof linkTlsOf>[0], listens: boolean): readonly string[] => {
    try {
      linkTlsOf(config, listens);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('no ConfigError');
  };

  it('serves wss:// with the certificate, requires client certificates of the CA when asked, and dials with both', () => {
    const config = {
      ...none,
      linkTlsCertFile: own.certFile,
      linkTlsKeyFile: own.keyFile,
      linkTlsCaFile: ca.certFile,
      linkTlsClientCerts: true,
    };
    expect(linkTlsOf(config, true)).toEqual({
      listen: { certFile: own.certFile, keyFile: own.keyFile, caFile: ca.certFile },
      dial: { caFile: ca.certFile, certFile: own.certFile, keyFile: own.keyFile },
      allowCleartext: false,
    });
    expect(linkTlsOf({ ...config, linkTlsClientCerts: false }, true).listen).toEqual({ certFile: own.certFile, keyFile: own.keyFile });
  });

  it('refuses a plain link endpoint unless cleartext links are allowed; a process that only dials needs no certificate', () => {
    expect(problemsOf(none, true)).toEqual([
      expect.stringMatching(/holds the link endpoint but LINKER_LINK_TLS_CERT_FILE .* LINKER_LINKS_ALLOW_CLEARTEXT=true/),
    ]);
    expect(linkTlsOf({ ...none, linksAllowCleartext: true }, true)).toEqual({ listen: undefined, dial: {}, allowCleartext: true });
    expect(linkTlsOf(none, false).allowCleartext).toBe(false);
  });

  it('lists every problem at once: a certificate without its key, client certificates without a CA, a CA that cannot be read', () => {
    const problems = problemsOf(
      { ...none, linkTlsCertFile: own.certFile, linkTlsClientCerts: true, linkTlsCaFile: '/nowhere/ca.crt' },
      false,
    );
    expect(problems).toEqual([
      'LINKER_LINK_TLS_KEY_FILE is required with LINKER_LINK_TLS_CERT_FILE',
      expect.stringMatching(/^LINKER_LINK_TLS_CA_FILE \/nowhere\/ca\.crt cannot be read/),
    ]);
    expect(problemsOf({ ...none, linkTlsClientCerts: true }, false)).toEqual([
      'LINKER_LINK_TLS_CLIENT_CERTS needs LINKER_LINK_TLS_CA_FILE, the CA client certificates are checked against',
    ]);
  });
});
