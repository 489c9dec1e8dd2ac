import {
  batteryTraffic,
  PrivateServices,
  runFaultCase,
  startBatteryDomain,
  waitFor,
  type MessageLedger,
  type PrivateService,
  type RealDomain,
} from '@linker/testing';

// The fault battery, the services of the domain: each case runs a real-mode domain on private Kafka, NATS, Redis and
// FerretDB (never the shared ones), kills one of them (kill -9) for 20 s (`npm run chaos`: longer) while the steady traffic runs, starts it
// again, and asserts what the ledger finds (see process-faults.e2e-spec.ts).

/** How long each service stays down: 20 s, or what `npm run chaos` asks for. */
const OUTAGE_MS = Number(process.env.LINKER_FAULT_OUTAGE_MS ?? 20_000);
const FOR = `for ${OUTAGE_MS / 1000} s`;

jest.setTimeout(240_000 + 2 * OUTAGE_MS);

/**
 * Kill `service`, keep it down for `OUTAGE_MS` and until `seen` holds (what the outage must show), then start it
 * again. Resolves once it answers.
 */
async function outage(
  service: PrivateService,
  ledger: MessageLedger,
  seen: (ledger: MessageLedger) => boolean,
  what: string,
): Promise<void> {
  await service.kill();
  const killed = Date.now();
  await waitFor(`${OUTAGE_MS / 1000} s of outage and ${what}`, () => Date.now() - killed >= OUTAGE_MS && seen(ledger), {
    timeoutMs: OUTAGE_MS + 60_000,
    intervalMs: 100,
  });
  await service.start();
}

describe('fault battery: services of a real-mode domain', () => {
  let services: PrivateServices | undefined;
  let domain: RealDomain | undefined;
  beforeEach(async () => {
    services = await PrivateServices.start();
  });
  afterEach(async () => {
    await domain?.close();
    await services?.stop();
    [domain, services] = [undefined, undefined];
  });

  it('Kafka killed for 20 s: every RELIABLE frame it could not take is refused UNAVAILABLE, accepting resumes by itself', async () => {
    const { kafka } = services!;
    domain = await startBatteryDomain('fault-kafka', services!.services);
    const result = await runFaultCase({
      name: 'Kafka killed',
      injected: `kill -9 of the Kafka broker ${FOR}, then started again`,
      traffic: batteryTraffic(domain.connectorUrls, 7000),
      settleTimeoutMs: 120_000,
      inject: (ledger) =>
        outage(kafka, ledger, (l) => (l.report().RELIABLE.refusals.UNAVAILABLE ?? 0) > 0, 'a RELIABLE frame refused UNAVAILABLE'),
    });
    expect(result.violations).toEqual([]);
    expect(Object.keys(result.report.RELIABLE.refusals)).toEqual(['UNAVAILABLE']);
  });

  it('Redis killed for 20 s and started empty: the connectors register their users again, nothing accepted is lost', async () => {
    const { redis } = services!;
    domain = await startBatteryDomain('fault-redis', services!.services);
    const result = await runFaultCase({
      name: 'Redis killed',
      injected: `kill -9 of Redis (no persistence) ${FOR}, then started empty`,
      traffic: batteryTraffic(domain.connectorUrls, 7100),
      settleTimeoutMs: 120_000,
      inject: (ledger) => outage(redis, ledger, () => true, 'nothing more'),
    });
    expect(result.violations).toEqual([]);
  });

  it('Redis killed and started again at once (empty, quicker than a presence lease): every connected user is reachable again, nothing is lost', async () => {
    const { redis } = services!;
    domain = await startBatteryDomain('fault-redis-quick', services!.services);
    const result = await runFaultCase({
      name: 'Redis restarted at once',
      injected: 'kill -9 of Redis (no persistence) and started again empty at once, quicker than a presence lease runs out',
      traffic: batteryTraffic(domain.connectorUrls, 7150),
      inject: async () => {
        await redis.kill();
        await redis.start();
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('FerretDB killed for 20 s while messages go to mailboxes: each is stored before it is committed, none is lost', async () => {
    const { ferretDb } = services!;
    domain = await startBatteryDomain('fault-ferretdb', services!.services);
    const result = await runFaultCase({
      name: 'FerretDB killed',
      injected: `kill -9 of the MongoDB-wire server (FerretDB) ${FOR} during deliveries to offline users, then started again`,
      // FAST messages to offline users are dropped by design: only RELIABLE ones are sent here.
      traffic: { ...batteryTraffic(domain.connectorUrls, 7200), recipientsOnline: false, rates: { RELIABLE: 20, FAST: 0 } },
      settleTimeoutMs: 120_000,
      inject: (ledger) => outage(ferretDb, ledger, () => true, 'nothing more'),
    });
    expect(result.violations).toEqual([]);
  });

  it('NATS killed for 20 s: FAST losses stay within the outage, FAST traffic resumes by itself, RELIABLE loses nothing', async () => {
    const { nats } = services!;
    domain = await startBatteryDomain('fault-nats', services!.services);
    let fastSentBefore = 0;
    const result = await runFaultCase({
      name: 'NATS killed',
      injected: `kill -9 of NATS ${FOR}, then started again`,
      traffic: batteryTraffic(domain.connectorUrls, 7300),
      settleTimeoutMs: 120_000,
      inject: async (ledger) => {
        fastSentBefore = ledger.report().FAST.sent;
        await outage(nats, ledger, () => true, 'nothing more');
        const delivered = ledger.report().FAST.delivered;
        await waitFor('FAST messages delivered again after the restart', () => ledger.report().FAST.delivered >= delivered + 50, {
          timeoutMs: 60_000,
          intervalMs: 50,
        });
      },
    });
    expect(result.violations).toEqual([]);
    const fast = result.report.FAST;
    expect(fast.lost).toBeLessThanOrEqual(fast.sent - fastSentBefore); // nothing sent before the outage is lost
  });
});
