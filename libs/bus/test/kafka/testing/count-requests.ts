/*
 * Kafka requests per delivered record on the RELIABLE lane, by API and by app:
 * `npx tsx libs/bus/test/kafka/testing/count-requests.ts [rate ...]` (services env exported; default rates 10 100 1000).
 * A two-hop chain like intake → connector topic, 12 partitions each: `intake` publishes one record per call at the
 * rate, `hop` (one member) hands each batch on to the second topic, `end` (one member) takes them. Each rate runs on
 * fresh topics and groups: 1 s of warm-up, then 4 s counted. Prints a table; asserts nothing.
 */
import { silentLogger } from '@linker/observability';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { KafkaBus } from '../../../src/kafka/kafka-bus';
import { countKafkaRequests, type RequestCounts } from './request-counter';

const WARM_UP_MS = 1_000;
const COUNTED_MS = 4_000;
const APPS = ['intake', 'hop', 'end'] as const;

async function measure(
  brokers: string[],
  rate: number,
): Promise<{ counts: RequestCounts; delivered: number; clients: Record<string, string> }> {
  const clients = Object.fromEntries(APPS.map((app) => [app, uniqueName(app)]));
  const [intake, hop, end] = await Promise.all(
    APPS.map((app) => KafkaBus.connect({ brokers, clientId: clients[app], logger: silentLogger })),
  );
  const [first, second] = [uniqueName('count-intake'), uniqueName('count-connector')];
  await intake.ensureTopics([first, second], 12);
  let delivered = 0;
  await hop.subscribe({ topic: first, group: uniqueName('hop'), handler: (records) => hop.publish(second, records) });
  await end.subscribe({ topic: second, group: uniqueName('end'), handler: async (records) => void (delivered += records.length) });
  const counter = countKafkaRequests();
  let sent = 0;
  const started = Date.now();
  const value = Buffer.alloc(300, 'x');
  const ticker = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1_000) * rate);
    for (; sent < due; sent++) void intake.publish(first, [{ key: `connection-${sent % 1_000}`, value }]);
  }, 5);
  try {
    await waitFor('the warm-up', () => Date.now() - started >= WARM_UP_MS, { timeoutMs: WARM_UP_MS + 5_000 });
    counter.reset();
    const deliveredBefore = delivered;
    await waitFor('the counted window', () => Date.now() - started >= WARM_UP_MS + COUNTED_MS, { timeoutMs: COUNTED_MS + 5_000 });
    return { counts: counter.counts, delivered: delivered - deliveredBefore, clients };
  } finally {
    clearInterval(ticker);
    counter.stop();
    await Promise.all([intake, hop, end].map((bus) => bus.close()));
  }
}

async function main(): Promise<void> {
  const { kafkaBrokers } = testServices();
  const rates = process.argv.slice(2).map(Number);
  const rows: string[] = ['| rate (rec/s) | app | requests/s | per record | by API (per record) |', '|---|---|---|---|---|'];
  for (const rate of rates.length > 0 ? rates : [10, 100, 1_000]) {
    const { counts, delivered, clients } = await measure(kafkaBrokers, rate);
    for (const app of APPS) {
      const byApi = [...(counts.get(clients[app]) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b));
      const total = byApi.reduce((sum, [, n]) => sum + n, 0);
      const per = (n: number): string => (n / Math.max(1, delivered)).toFixed(3);
      const apis = byApi.map(([api, n]) => `${api} ${per(n)}`).join(', ');
      rows.push(`| ${rate} | ${app} | ${(total / (COUNTED_MS / 1_000)).toFixed(1)} | ${per(total)} | ${apis} |`);
    }
    rows.push(`| ${rate} | (delivered) | ${(delivered / (COUNTED_MS / 1_000)).toFixed(1)}/s | | |`);
  }
  console.log(rows.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
