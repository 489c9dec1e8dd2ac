import { setTimeout as pause } from 'node:timers/promises'; // the chaos's own pace
import {
  batteryTraffic,
  ConnectorBalancer,
  PrivateServices,
  runFaultCase,
  startBatteryDomain,
  type AppProcess,
  type PrivateService,
  type RealDomain,
} from '@linker/testing';

// The general-chaos run of `npm run chaos` (not in the test command: it runs for minutes): a real-mode domain on
// private services, its clients behind a balancer, and for LINKER_CHAOS_DURATION_S seconds (180 by default) one fault
// after another, chosen at random (a seeded choice, so a run can be replayed with LINKER_CHAOS_SEED): a connector or
// a processor killed, a processor frozen, a service killed for a few seconds, the meta-server killed; each repaired
// before the next. Then the ledger must find what every fault case asks: nothing accepted lost or shown twice, no
// confirmation without delivery, every frame answered.

const DURATION_MS = Number(process.env.LINKER_CHAOS_DURATION_S ?? 180) * 1_000;
const SEED = Number(process.env.LINKER_CHAOS_SEED ?? Date.now() % 1_000_000);

jest.setTimeout(DURATION_MS + 600_000);

/** A small seeded generator (mulberry32): the same seed makes the same sequence of faults. */
function seeded(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * below);
  };
}

const alive = (app: AppProcess): boolean => app.child.exitCode === null && app.child.signalCode === null;

describe('general chaos: faults of every kind, one after another, under steady traffic', () => {
  let services: PrivateServices | undefined;
  let domain: RealDomain | undefined;
  let balancer: ConnectorBalancer | undefined;
  afterAll(async () => {
    await balancer?.close();
    await domain?.close();
    await services?.stop();
  }, 120_000);

  it(`keeps every promise through ${DURATION_MS / 1000} s of random faults (seed ${SEED})`, async () => {
    services = await PrivateServices.start();
    const started = (domain = await startBatteryDomain('general-chaos', services.services));
    const open = (balancer = await ConnectorBalancer.open(() => started.connectorUrls.map((url) => Number(new URL(url).port))));
    const random = seeded(SEED);
    const serviceDown = (service: PrivateService) => async (): Promise<void> => {
      await service.kill();
      await pause(2_000 + random(8_000));
      await service.start();
    };
    const liveProcessors = (): AppProcess[] => started.processors.filter(alive);
    const faults: Record<string, () => Promise<void>> = {
      'connector killed': async () => {
        const i = random(started.connectors.length);
        started.connectors[i].child.kill('SIGKILL');
        await started.connectors[i].exited;
        await started.restartConnector(i);
      },
      'processor killed': async () => {
        const victim = liveProcessors()[random(liveProcessors().length)];
        victim.child.kill('SIGKILL');
        await victim.exited;
        await started.startProcessor();
      },
      'processor frozen': async () => {
        const victim = liveProcessors()[random(liveProcessors().length)];
        victim.child.kill('SIGSTOP');
        await pause(3_000 + random(12_000));
        victim.child.kill('SIGCONT');
      },
      'Kafka killed': serviceDown(services.kafka),
      'NATS killed': serviceDown(services.nats),
      'Redis killed': serviceDown(services.redis),
      'FerretDB killed': serviceDown(services.ferretDb),
      'meta-server killed': async () => {
        started.metaServer.child.kill('SIGKILL');
        await started.metaServer.exited;
        await pause(random(5_000));
        await started.restartMetaServer();
      },
    };
    const names = Object.keys(faults);
    const done: Record<string, number> = {};
    const result = await runFaultCase({
      name: 'general chaos',
      get injected() {
        const counts = Object.entries(done)
          .map(([fault, n]) => `${n} × ${fault}`)
          .join(', ');
        return `${DURATION_MS / 1000} s of random faults, one after another (seed ${SEED}): ${counts || 'none yet'}`;
      },
      traffic: batteryTraffic([open.url], 8000),
      settleTimeoutMs: 180_000,
      inject: async () => {
        for (const begun = Date.now(); Date.now() - begun < DURATION_MS;) {
          const fault = names[random(names.length)];
          await faults[fault]();
          done[fault] = (done[fault] ?? 0) + 1;
          await pause(1_000 + random(4_000));
        }
      },
    });
    expect(result.violations).toEqual([]);
  });
});
