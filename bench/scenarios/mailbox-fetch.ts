import { performance } from 'node:perf_hooks';
import { SequenceAccounting } from '../src/accounting';
import { closeAll, openMany, type BenchConnection } from '../src/client';
import { encodePayload, decodePayload } from '../src/payload';
import { ProcSampler } from '../src/proc-stats';
import { sleep } from '../src/processes';
import { rawClient } from '../src/raw-client';
import { target, type MailboxResult } from '../src/results';
import { runOpenLoop, senderOf, sequenceOf } from '../src/schedule';
import {
  emptyResult,
  startRequest,
  userId,
  watchedOf,
  withDeployment,
  type Deployment,
  type Scenario,
  type StartDeployment,
  type ScenarioContext,
} from '../src/scenario';

const STORE_RATE = 2000;
const STORE_DEADLINE_MS = 120_000;
const FETCH_DEADLINE_MS = 60_000;

/** Send `count` RELIABLE messages to the offline `recipient`, open loop at STORE_RATE over enough sender sockets. */
async function store(context: ScenarioContext, deployment: Deployment, recipient: string, count: number): Promise<number> {
  const senders = Math.max(2, Math.ceil(STORE_RATE / context.options.socketRate));
  const { connections, failures } = await openMany(context.client, deployment.endpoint, senders, (i) => ({
    userId: userId(deployment, 1 + i),
    handlers: { onMessage: () => undefined },
  }));
  try {
    if (failures.length > 0) throw new Error(`${failures.length} sender connections failed, e.g. ${failures[0]}`);
    const spec = { rate: STORE_RATE, startMs: performance.now() + 10, total: count, senders };
    await runOpenLoop({
      spec,
      now: () => performance.now(),
      send: (index, intendedMs, nowMs) => {
        const content = encodePayload(
          { step: 0, sender: senderOf(spec, index), seq: sequenceOf(spec, index), intendedUs: intendedMs * 1000, sentUs: nowMs * 1000 },
          context.options.payloadBytes,
        );
        connections[senderOf(spec, index)]!.send(recipient, content, 'RELIABLE');
      },
    });
    return senders;
  } finally {
    await closeAll(connections);
  }
}

/**
 * How many messages the mailbox holds, without taking any: an ack-mode connection fetches one and closes without
 * acknowledging it, so it goes back to the mailbox (docs/protocol.md, Ack mode). A bare socket is used so nothing acknowledges it.
 */
async function storedCount(deployment: Deployment, recipient: string): Promise<number> {
  let taken = 0;
  const probe = await rawClient.open(deployment.endpoint, { userId: recipient, ack: true, handlers: { onMessage: () => taken++ } });
  try {
    // A processor busy storing may answer late: count that as "not yet", the caller polls again.
    return (await withDeadline(probe.fetch(1), 10_000, 'answer to the probe FETCH').catch(() => -taken)) + taken;
  } finally {
    await probe.close();
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function awaitStored(deployment: Deployment, recipient: string, count: number): Promise<void> {
  const deadlineMs = Math.max(STORE_DEADLINE_MS, count * 25);
  const deadline = Date.now() + deadlineMs;
  let stored = 0;
  while (Date.now() < deadline) {
    stored = await storedCount(deployment, recipient);
    if (stored >= count) return;
    await sleep(250);
  }
  throw new Error(`the mailbox of ${recipient} held ${stored} of ${count} messages after ${deadlineMs / 1000} s`);
}

/** Connect as the recipient and FETCH batches of 2,000 until leftMissingCount is 0 and everything has arrived. */
async function fetchAll(context: ScenarioContext, deployment: Deployment, recipient: string, senders: number, count: number) {
  const accounting = new SequenceAccounting(senders);
  for (let index = 0; index < count; index++) accounting.noteSent(index % senders, Math.floor(index / senders));
  const onMessage = (content: string): void => {
    const header = decodePayload(content);
    if (header) accounting.noteReceived(header.sender, header.seq);
  };
  const connection: BenchConnection = await context.client.open(deployment.endpoint, { userId: recipient, handlers: { onMessage } });
  const sampler = new ProcSampler(watchedOf(deployment), 100);
  const started = performance.now();
  sampler.start(started);
  const log: MailboxResult['batchLog'] = [];
  try {
    for (let left = 1; (left > 0 || accounting.receivedTotal < count) && performance.now() - started < FETCH_DEADLINE_MS;) {
      const before = accounting.receivedTotal;
      left = await withDeadline(
        connection.fetch(context.options.fetchBatch),
        FETCH_DEADLINE_MS,
        `FETCH_MISSING_MESSAGES_COMPLETE for batch ${log.length + 1}`,
      );
      log.push({ atMs: Math.round(performance.now() - started), received: accounting.receivedTotal - before, leftMissingCount: left });
      if (left === 0 && accounting.receivedTotal < count) await sleep(5); // stragglers put back by the probe
    }
    const fetchMs = performance.now() - started;
    return { fetchMs, batchLog: log, counts: accounting.counts(), processes: sampler.stop(performance.now()) };
  } finally {
    await connection.close();
  }
}

async function measure(context: ScenarioContext, deployment: Deployment, name: string): Promise<MailboxResult> {
  const count = context.options.mailboxCount;
  const recipient = userId(deployment, 0);
  context.progress(`${name}: storing ${count} RELIABLE messages for offline ${recipient}`);
  const storeStarted = performance.now();
  const senders = await store(context, deployment, recipient, count);
  await awaitStored(deployment, recipient, count);
  const storeSeconds = (performance.now() - storeStarted) / 1000;
  context.progress(`${name}: stored in ${storeSeconds.toFixed(1)} s; fetching`);
  const { fetchMs, batchLog, counts, processes } = await fetchAll(context, deployment, recipient, senders, count);
  return {
    stored: count,
    storeSeconds,
    fetched: counts.received,
    duplicates: counts.duplicates,
    batches: batchLog.length,
    batchSize: context.options.fetchBatch,
    fetchMs,
    messagesPerSecond: counts.received / (fetchMs / 1000),
    batchLog,
    processes,
  };
}

/** 10,000 messages stored for an offline user, then fetched on connect, timed from the first FETCH to the last message. */
export function mailboxScenario(name: string, mode: Deployment['mode'], start: StartDeployment): Scenario {
  const description = `Mailbox messages stored for an offline user (${mode} mode), then fetched in batches (FETCH count 2,000 unless --fetch-batch says otherwise) until leftMissingCount is 0: time from the first FETCH to the last message (target ≤ 250 ms for 10,000).`;
  return {
    name,
    mode,
    description,
    run: (context) => {
      const result = emptyResult({ name, mode, description });
      return withDeployment(
        result,
        () => start(startRequest(context, name, result.notes)),
        async (deployment) => {
          result.mailbox = await measure(context, deployment, name);
          const { mailbox } = result;
          // The target is 250 ms for 10,000 messages; other counts get the same per-message budget.
          const limit = Math.round((250 * mailbox.stored) / 10_000);
          result.targets = [target(`${mailbox.stored} missed messages delivered`, Math.round(mailbox.fetchMs * 10) / 10, limit, 'ms')];
          if (mailbox.fetched < mailbox.stored) result.targets[0]!.met = false;
          if (mailbox.fetched < mailbox.stored) result.notes.push(`${mailbox.stored - mailbox.fetched} stored messages never arrived.`);
        },
      );
    },
  };
}
