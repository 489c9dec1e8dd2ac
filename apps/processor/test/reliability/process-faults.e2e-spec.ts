import {
  ConnectorBalancer,
  intakeAssignment,
  runFaultCase,
  startRealDomain,
  uniqueName,
  waitFor,
  type RealDomain,
  type TrafficOptions,
} from '@linker/testing';
import type { Topology } from '@linker/topology';

// The fault battery, processes of the domain: each case runs steady RELIABLE and FAST traffic (client SDK: ack mode,
// resend, reconnect with fetch) through one fault and its recovery, and asserts what the ledger finds: no accepted
// RELIABLE message lost, none shown twice, no confirmation without delivery, every frame answered.

const APP_ID = 'app-id-343';
/** LINKER_PARTITIONS as the harness sets it. */
const PARTITIONS = 4;

jest.setTimeout(180_000);

/** A real-mode domain (2 processors, 2 connectors) of its own, its processors' group settled. */
async function startDomain(prefix: string): Promise<RealDomain> {
  const name = uniqueName(prefix);
  const started = await startRealDomain({ domain: name, topology: topology(name) });
  await settledGroup(started);
  return started;
}

function topology(domain: string): Topology {
  return {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089'] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: APP_ID, masterUserId: 'ANZ-123223', authEnabled: false }],
  };
}

function traffic(urls: readonly string[], firstUser: number): Omit<TrafficOptions, 'ledger'> {
  return { urls, appId: APP_ID, userId: (n) => `ANZ-${firstUser + n}`, pairs: 6, rates: { RELIABLE: 20, FAST: 5 } };
}

/** Both processors share the intake partitions: the group has settled. */
function settledGroup(domain: RealDomain): Promise<unknown> {
  return waitFor('the two processors to share the intake partitions', () => {
    const held = domain.processors.map((processor) => intakeAssignment(processor, domain.domain));
    return held.every((partitions) => partitions.length > 0) && new Set(held.flat()).size === PARTITIONS;
  }, { timeoutMs: 30_000, intervalMs: 100 });
}

describe('fault battery: processes of a real-mode domain', () => {
  let domain: RealDomain | undefined;
  let balancer: ConnectorBalancer | undefined;
  afterEach(async () => {
    await balancer?.close();
    await domain?.close();
    [domain, balancer] = [undefined, undefined];
  });

  it('a connector killed (SIGKILL): its clients reconnect through the balancer, resend what was not accepted, and nothing is lost', async () => {
    domain = await startDomain('fault-connector-kill');
    const started = domain;
    balancer = await ConnectorBalancer.open(() => started.connectorUrls.map((url) => Number(new URL(url).port)));
    const result = await runFaultCase({
      name: 'connector killed',
      injected: 'kill -9 of one of two connectors behind a balancer, then started again (same name)',
      traffic: traffic([balancer.url], 6200),
      inject: async () => {
        started.connectors[1].child.kill('SIGKILL');
        await started.connectors[1].exited;
        await started.restartConnector(1);
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a processor killed (SIGKILL): its partitions move to the other, nothing accepted is lost or shown twice', async () => {
    domain = await startDomain('fault-processor-kill');
    const { processors } = domain;
    const result = await runFaultCase({
      name: 'processor killed',
      injected: 'kill -9 of one of two processors',
      traffic: traffic(domain.connectorUrls, 6000),
      inject: async () => {
        processors[0].child.kill('SIGKILL');
        await processors[0].exited;
      },
    });
    expect(result.violations).toEqual([]);
    expect(result.report.RELIABLE.accepted).toBeGreaterThan(100);
  });

  it('a processor frozen (SIGSTOP) past its session timeout, then resumed: it commits nothing it no longer owns', async () => {
    domain = await startDomain('fault-processor-freeze');
    const started = domain;
    const [frozen, survivor] = started.processors;
    const result = await runFaultCase({
      name: 'processor frozen',
      injected: 'SIGSTOP of one of two processors until the other holds every intake partition, then SIGCONT',
      traffic: traffic(started.connectorUrls, 6100),
      inject: async () => {
        frozen.child.kill('SIGSTOP');
        try {
          await waitFor('the other processor to hold every intake partition', () => intakeAssignment(survivor, started.domain).length === PARTITIONS, {
            timeoutMs: 60_000,
            intervalMs: 100,
          });
        } finally {
          frozen.child.kill('SIGCONT');
        }
      },
    });
    expect(result.violations).toEqual([]);
    await settledGroup(started); // the resumed processor took its share again
  });
});
