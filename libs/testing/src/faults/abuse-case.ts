import { join } from 'node:path';
import { errorMessage } from '@linker/kernel';
import { REPO } from '../processes';
import { waitFor } from '../wait-for';
import { MessageLedger, type Latency } from './ledger';
import { writeCaseResult } from './fault-case';
import { FaultTraffic, type TrafficOptions } from './traffic';

/** What the well-behaved pair of an abuse case saw while the abuse went on (RELIABLE lane). */
export interface PairOutcome {
  sent: number;
  accepted: number;
  /** Refused, by code: a well-behaved pair should see none. */
  refusals: Record<string, number>;
  lost: number;
  latency: Latency;
}

/** What an abuse case did, for its assertions and for the reliability report. */
export interface AbuseCaseResult {
  name: string;
  /** What the abuser did, in words. */
  abuse: string;
  /** The documented answer the case checks, in words. */
  answer: string;
  pair: PairOutcome;
  /** Connections the pair saw closed under it, by close code. */
  disconnects: Record<string, number>;
  /** What went wrong: the pair's losses or refusals, or the failure of the case's own checks. Empty: kept. */
  violations: string[];
}

export interface AbuseCase {
  name: string;
  abuse: string;
  answer: string;
  /** Where the well-behaved pair connects (see `wellBehavedPair`). */
  pair: Omit<TrafficOptions, 'ledger'>;
  /** Abuse the domain and check its answer (rejects when the answer is not the documented one). */
  run: () => Promise<void>;
  /** How long the pair may take to settle once the abuse is over (default 60 s). */
  settleTimeoutMs?: number;
}

/** Where each abuse case's result goes (one JSON file per case), beside the fault cases' results. */
export const ABUSE_OUTPUT = join(REPO, 'test-output', 'abuse');

/** The pair that keeps chatting through every abuse case: one sender and one recipient, 20 RELIABLE msg/s. */
export function wellBehavedPair(url: string, appId: string, userId: (n: number) => string): Omit<TrafficOptions, 'ledger'> {
  return { urls: [url], appId, userId, pairs: 1, rates: { RELIABLE: 20, FAST: 0 } };
}

/**
 * Run `abuse.run` while a well-behaved pair (`abuse.pair`) chats: the pair first has 20 messages accepted, then the
 * abuse runs with its own checks, then the pair settles (every frame answered, every accepted message shown). The
 * result (the pair's loss, refusals and latency; the violations) is written to `ABUSE_OUTPUT`, also when the case
 * fails; a case whose pair lost, or was refused, anything has violations.
 */
export async function runAbuseCase(abuse: AbuseCase): Promise<AbuseCaseResult> {
  const ledger = new MessageLedger();
  const traffic = await FaultTraffic.start({ ...abuse.pair, ledger });
  try {
    await waitFor('20 messages of the well-behaved pair accepted before the abuse', () => ledger.report().RELIABLE.accepted >= 20, {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    await abuse.run();
    await traffic.settle(abuse.settleTimeoutMs ?? 60_000);
    return record(abuse, ledger, traffic, []);
  } catch (error) {
    record(abuse, ledger, traffic, [errorMessage(error)]);
    throw error;
  } finally {
    await traffic.close();
  }
}

function record(abuse: AbuseCase, ledger: MessageLedger, traffic: FaultTraffic, failures: string[]): AbuseCaseResult {
  const { RELIABLE: counts } = ledger.report();
  const pair: PairOutcome = {
    sent: counts.sent,
    accepted: counts.accepted,
    refusals: counts.refusals,
    lost: counts.lost,
    latency: ledger.latency('RELIABLE'),
  };
  const refused = Object.entries(counts.refusals).map(([code, n]) => `${n} ${code}`);
  const violations = [
    ...traffic.violations(),
    ...(refused.length > 0 ? [`the well-behaved pair was refused ${refused.join(', ')}`] : []),
    ...failures,
  ];
  const result: AbuseCaseResult = {
    name: abuse.name,
    abuse: abuse.abuse,
    answer: abuse.answer,
    pair,
    disconnects: traffic.disconnects,
    violations,
  };
  writeCaseResult(ABUSE_OUTPUT, abuse.name, result);
  return result;
}
