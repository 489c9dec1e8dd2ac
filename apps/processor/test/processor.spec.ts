import { MemoryBroker, memoryLanes } from '@linker/bus';
import { encodeEnvelope, intakeTopic } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import { MemoryMailbox } from '@linker/mailbox';
import { silentLogger, type Logger } from '@linker/observability';
import { MemoryPresence } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { TopologyView } from '@linker/topology';
import { processorSettings } from '../src/config/processor.config';
import { Processor } from '../src/processor';

const settings = processorSettings({
  domain: 'domain-01',
  name: 'processor-01',
  partitions: 2,
  authWebhookTimeoutMs: 1000,
  maxGroupRecipients: 10,
  handlerRetries: 1,
  retryBackoffMs: 1,
  dedupWindow: 100,
});

const view = new TopologyView({
  domains: [{ name: 'domain-01', urls: [] }],
  domainLinks: [],
  clientApps: [
    { appName: 'OPEN', appId: 'open', authEnabled: false },
    { appName: 'SHUT', appId: 'shut', authUrl: 'http://127.0.0.1:1/auth' },
  ],
});

describe('Processor lifecycle', () => {
  const broker = new MemoryBroker();
  const mailbox = new MemoryMailbox();
  const make = (logger: Logger = silentLogger): Processor =>
    new Processor({ config: settings, lanes: memoryLanes(broker), presence: new MemoryPresence(), mailbox, topology: () => view, logger });

  it('warns at start for each app that accepts every login, reports health, and start/stop are idempotent', async () => {
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const logger: Logger = { ...silentLogger, warn: (_message, fields) => void warnings.push(fields), child: () => logger };
    const processor = make(logger);
    expect(processor.health().running).toBe(false);
    await processor.start();
    await processor.start();
    expect(warnings).toEqual([{ app: 'OPEN' }]);
    expect(processor.health()).toMatchObject({ running: true, domain: 'domain-01', name: 'processor-01', stats: { processed: 0 } });
    await processor.stop();
    await processor.stop();
    expect(processor.health().running).toBe(false);
  });

  it('after a stop, what is published waits in the lane for the next processor', async () => {
    const first = make();
    await first.start();
    await first.stop();
    const letter = {
      id: newMessageId(),
      lane: 'RELIABLE' as const,
      type: 'NO_SUCH_TYPE',
      from: 'OPEN-1',
      data: {},
      path: ['domain-01'],
      createdAt: 1,
      hops: 0,
    };
    await memoryLanes(broker).RELIABLE.publish(intakeTopic('domain-01'), [{ key: 'OPEN-1', value: encodeEnvelope(letter) }]);
    const second = make();
    await second.start();
    await waitFor('the second processor to handle the record', () => second.health().stats.processed === 1);
    expect(first.health().stats.processed).toBe(0);
    expect((await mailbox.deadLetters(10)).map((l) => l.envelope.id)).toEqual([letter.id]);
    await second.stop();
  });
});
