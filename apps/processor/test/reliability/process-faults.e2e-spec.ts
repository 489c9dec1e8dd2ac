import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import {
  appliedVersion,
  BATTERY_PARTITIONS,
  batteryTraffic,
  ConnectorBalancer,
  intakeAssignment,
  runFaultCase,
  settledGroup,
  startBatteryDomain,
  editTopology,
  waitFor,
  type RealDomain,
} from '@linker/testing';
import type { Topology } from '@linker/topology';

// The fault battery, processes of the domain: each case runs steady RELIABLE and FAST traffic (client SDK: ack mode,
// resend, reconnect with fetch) through one fault and its recovery, and asserts what the ledger finds: no accepted
// RELIABLE message lost, none shown twice, no confirmation without delivery, every frame answered.

jest.setTimeout(180_000);

const ADMIN_TOKEN = 'battery-admin-token-0123456789';

describe('fault battery: processes of a real-mode domain', () => {
  let domain: RealDomain | undefined;
  let balancer: ConnectorBalancer | undefined;
  afterEach(async () => {
    await balancer?.close();
    await domain?.close();
    [domain, balancer] = [undefined, undefined];
  });

  it('a connector killed (SIGKILL): its clients reconnect through the balancer, resend what was not accepted, and nothing is lost', async () => {
    domain = await startBatteryDomain('fault-connector-kill');
    const started = domain;
    balancer = await ConnectorBalancer.open(() => started.connectorUrls.map((url) => Number(new URL(url).port)));
    const result = await runFaultCase({
      name: 'connector killed',
      injected: 'kill -9 of one of two connectors behind a balancer, then started again (same name)',
      traffic: batteryTraffic([balancer.url], 6200),
      inject: async () => {
        started.connectors[1].child.kill('SIGKILL');
        await started.connectors[1].exited;
        await started.restartConnector(1);
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a processor killed (SIGKILL): its partitions move to the other, nothing accepted is lost or shown twice', async () => {
    domain = await startBatteryDomain('fault-processor-kill');
    const { processors } = domain;
    const result = await runFaultCase({
      name: 'processor killed',
      injected: 'kill -9 of one of two processors',
      traffic: batteryTraffic(domain.connectorUrls, 6000),
      inject: async () => {
        processors[0].child.kill('SIGKILL');
        await processors[0].exited;
      },
    });
    expect(result.violations).toEqual([]);
    expect(result.report.RELIABLE.accepted).toBeGreaterThan(100);
  });

  it('a processor frozen (SIGSTOP) past its session timeout, then resumed: it commits nothing it no longer owns', async () => {
    domain = await startBatteryDomain('fault-processor-freeze');
    const started = domain;
    const [frozen, survivor] = started.processors;
    const result = await runFaultCase({
      name: 'processor frozen',
      injected: 'SIGSTOP of one of two processors until the other holds every intake partition, then SIGCONT',
      traffic: batteryTraffic(started.connectorUrls, 6100),
      inject: async () => {
        frozen.child.kill('SIGSTOP');
        try {
          await waitFor(
            'the other processor to hold every intake partition',
            () => intakeAssignment(survivor, started.domain).length === BATTERY_PARTITIONS,
            {
              timeoutMs: 60_000,
              intervalMs: 100,
            },
          );
        } finally {
          frozen.child.kill('SIGCONT');
        }
      },
    });
    expect(result.violations).toEqual([]);
    await settledGroup(started); // the resumed processor took its share again
  });

  it('the meta-server killed: traffic goes on, an edit is refused while it is down, and one made after its return reaches every app', async () => {
    domain = await startBatteryDomain('fault-meta-server', undefined, { adminToken: ADMIN_TOKEN });
    const started = domain;
    const addApp =
      (appName: string, appId: string) =>
      (topology: Topology): Topology => ({
        ...topology,
        clientApps: [...topology.clientApps, { appName, appId, masterUserId: `${appName}-1`, authEnabled: false }],
      });
    const result = await runFaultCase({
      name: 'meta-server killed',
      injected: 'kill -9 of the meta-server, an edit tried while it is down, then started again',
      traffic: batteryTraffic(started.connectorUrls, 6300),
      inject: async () => {
        started.metaServer.child.kill('SIGKILL');
        await started.metaServer.exited;
        await expect(editTopology(started.metaServerUrl, ADMIN_TOKEN, addApp('DOWN', 'app-id-down'))).rejects.toThrow(/fetch failed/);
        await started.restartMetaServer();
      },
    });
    expect(result.violations).toEqual([]);
    const version = await editTopology(started.metaServerUrl, ADMIN_TOKEN, addApp('NEW', 'app-id-new'));
    const apps = [...started.processors, ...started.connectors];
    await waitFor(`every processor and connector to apply topology ${version}`, () => apps.every((app) => appliedVersion(app, version)), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    for (const url of started.connectorUrls) {
      const user = new LinkerClient({ url, appId: 'app-id-new', userId: 'NEW-5', webSocket: NodeWebSocket, reconnect: false });
      try {
        expect(await user.connect()).toMatchObject({ appId: 'app-id-new', userId: 'NEW-5', isAuthenticated: true });
      } finally {
        await user.close();
      }
    }
  });
});
