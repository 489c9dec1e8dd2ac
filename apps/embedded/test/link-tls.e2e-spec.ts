import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Envelope } from '@linker/contracts';
import { WsLinkTransport, type LinkListener, type OutboundLink } from '@linker/domain-link';
import { freePort, startApp, startEmbeddedDomain, TestPki, waitFor, type EmbeddedDomain, type TestCertificate } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';
import type { Topology } from '@linker/topology';

// Links over wss:// between domain-01 (an embedded domain, the built entry) and domain-02 (played by this test with a
// link endpoint of its own). domain-01 trusts CA "A" only, serves its link endpoint with a certificate of A and
// requires neighbours to present one too (mutual TLS), on top of the shared secret. A neighbour whose certificate
// another CA signed is refused and counted, both ways; once its certificate is one of A, the link comes up and carries
// messages. Every certificate is made with openssl for this test.

const SECRET = 'link-secret-of-the-link-tls-test';
const APP_ID = 'app-id-343';

function pair(ports: { one: number; two: number }, scheme: 'ws' | 'wss' = 'wss'): Topology {
  const domain = (n: number, port: number) => ({
    name: `domain-0${n}`,
    urls: [`wss://127.0.0.1:${8100 + n}`, `${scheme}://127.0.0.1:${port}`],
  });
  return {
    domains: [domain(1, ports.one), domain(2, ports.two)],
    domainLinks: [{ n1: 'domain-01', n2: 'domain-02' }],
    clientApps: [
      {
        appName: 'ANZ',
        appId: APP_ID,
        masterUserId: 'ANZ-123223',
        authEnabled: false,
        userDistributions: [1, 2].map((n) => ({ domainName: `domain-0${n}`, from: (n - 1) * 1_000_000, to: n * 1_000_000 - 1 })),
      },
    ],
  };
}

describe('domain links over wss://', () => {
  jest.setTimeout(120_000);
  const pki = new TestPki();
  const trusted = pki.ca('links-ca-a');
  const stranger = pki.ca('links-ca-b');
  const one = pki.issue(trusted, 'domain-01');
  /** domain-02's endpoint certificate: first from the other CA, renewed from A in place. */
  const two: TestCertificate = pki.issue(stranger, 'domain-02');
  const received: Envelope[] = [];
  const relays: OutboundLink[] = [];
  let neighbour: LinkListener;
  let domain: EmbeddedDomain;
  let endpoint = '';

  beforeAll(async () => {
    const ports = { one: await freePort(), two: await freePort() };
    endpoint = `wss://127.0.0.1:${ports.one}`;
    neighbour = await new WsLinkTransport().listen({
      domain: 'domain-02',
      endpoint: `wss://127.0.0.1:${ports.two}`,
      secretFor: () => SECRET,
      acceptsPeer: (peer) => peer === 'domain-01',
      onReceive: async (_from, envelopes) => void received.push(...envelopes),
      tls: { ...two, caFile: trusted.certFile },
    });
    domain = await startEmbeddedDomain({
      topology: pair(ports),
      domain: 'domain-01',
      metrics: true,
      env: {
        LINKER_LINK_SECRET: SECRET,
        LINKER_LINK_TLS_CERT_FILE: one.certFile,
        LINKER_LINK_TLS_KEY_FILE: one.keyFile,
        LINKER_LINK_TLS_CA_FILE: trusted.certFile,
        LINKER_LINK_TLS_CLIENT_CERTS: 'true',
        LINKER_LINKS_ALLOW_CLEARTEXT: 'false',
      },
    });
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.close()));
    await domain?.close();
    await neighbour?.close();
    pki.cleanUp();
  });

  /** A sample of domain-01's processor metrics (the first matching `labels`), 0 when absent. */
  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(domain.metricsUrl as string)).text();
    const sample = new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text);
    return sample ? Number(sample[1]) : 0;
  }

  /** domain-02 dialing domain-01's endpoint (as this test) with a client certificate. */
  function dialAsDomain02(certificate: TestCertificate): OutboundLink {
    const relay = new WsLinkTransport().dial({
      domain: 'domain-02',
      peer: 'domain-01',
      endpoint,
      secretFor: () => SECRET,
      tls: { caFile: trusted.certFile, ...certificate },
    });
    relays.push(relay);
    return relay;
  }

  it('serves its own link endpoint over wss://', () => {
    expect(domain.process.output()).toContain(`links:        ${endpoint}`);
  });

  it('refuses a neighbour whose certificate another CA signed: logged, counted, never up', async () => {
    await waitFor(
      'a TLS refusal of domain-02 counted',
      async () => (await metric('linker_link_tls_refused_total', 'peer="domain-02"')) >= 1,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    await domain.process.waitForOutput(/"msg":"link refused: TLS failed/, 5_000);
    const refusal = domain.process
      .output()
      .split('\n')
      .find((line) => line.includes('"msg":"link refused: TLS failed')) as string;
    expect(JSON.parse(refusal)).toMatchObject({ level: 50, peer: 'domain-02', error: expect.stringMatching(/certificate/) });
    expect(await metric('linker_link_up', 'peer="domain-02"')).toBe(0);
    expect(neighbour.metrics()).toEqual([]);
  });

  it('once the neighbour’s certificate is one of the CA (renewed in place), the link comes up and carries messages', async () => {
    pki.issue(trusted, 'domain-02', two);
    await waitFor('the link to domain-02 up', async () => (await metric('linker_link_up', 'peer="domain-02"')) === 1, {
      timeoutMs: 40_000,
      intervalMs: 200,
    });
    const sender = await seedLogin(await RawSocket.open(domain.connectorUrls[0], 'ANZ-7'), 'ANZ-7');
    try {
      const content = 'to domain-02 over wss';
      sender.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-1000007', content }, reference: 'r-1' }));
      await waitFor('the message at domain-02', () => received.some((envelope) => JSON.stringify(envelope.data).includes(content)), {
        timeoutMs: 20_000,
      });
    } finally {
      await sender.close();
    }
  });

  it('refuses, in the TLS handshake, a neighbour dialing with a client certificate another CA signed; takes one of the CA', async () => {
    const inboundBefore = await metric('linker_link_tls_refused_total', 'peer="inbound"');
    const impostor = dialAsDomain02(pki.issue(stranger, 'impostor'));
    await waitFor(
      'the impostor’s TLS refusal counted by domain-01',
      async () => (await metric('linker_link_tls_refused_total', 'peer="inbound"')) > inboundBefore,
      {
        timeoutMs: 20_000,
      },
    );
    await domain.process.waitForOutput(/"msg":"link connection refused: TLS handshake failed/, 5_000);
    expect(impostor.up).toBe(false);
    await impostor.close();

    const genuine = dialAsDomain02(pki.issue(trusted, 'domain-02-client'));
    await waitFor('the link domain-02 → domain-01 up with a certificate of the CA', () => genuine.up, { timeoutMs: 20_000 });
  });

  it('a processor holding a link endpoint without a certificate does not start unless cleartext links are allowed', async () => {
    const topologyFile = join(pki.directory, 'cleartext.yaml');
    await writeFile(topologyFile, stringify(pair({ one: await freePort(), two: await freePort() }, 'ws')));
    const args = ['--topology', topologyFile, '--domain', 'domain-01', '--ws-port', '0', '--meta-port', '0', '--no-ui'];
    const plain = startApp('embedded', { LINKER_LINK_SECRET: SECRET, LINKER_LINKS_ALLOW_CLEARTEXT: 'false' }, [
      ...args,
      '--data-dir',
      join(pki.directory, 'data'),
    ]);
    try {
      await plain.waitForOutput(/LINKER_LINKS_ALLOW_CLEARTEXT=true to accept unencrypted links/, 30_000);
      expect(await plain.exited).not.toBe(0);
    } finally {
      await plain.stop('SIGKILL');
    }
  });
});
