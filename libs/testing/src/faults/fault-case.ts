import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '@linker/kernel';
import { REPO } from '../processes';
import { waitFor } from '../wait-for';
import { MessageLedger, type LedgerReport } from './ledger';
import { FaultTraffic, type TrafficOptions } from './traffic';

/** What a fault case did, for its assertions and for the reliability report. */
export interface FaultCaseResult {
  name: string;
  /** What was done to the domain, in words. */
  injected: string;
  /** The traffic it ran through, in words. */
  load: string;
  report: LedgerReport;
  /**
   * From the end of the fault (`inject` resolved) until the RELIABLE lane accepts again and (recipients online)
   * messages sent after the repair reach their recipients, ms. What was held up by the fault arrives by the end
   * (live, or by a fetch), which the violations check. -1: the case failed, so it did not recover.
   */
  recoveryMs: number;
  /** Connections the clients saw closed under them, by close code (they reconnected). */
  disconnects: Record<string, number>;
  violations: string[];
}

export interface FaultCase {
  name: string;
  injected: string;
  traffic: Omit<TrafficOptions, 'ledger'>;
  /** Break something, and repair it; resolves when the repair is done (a restart issued, a process resumed). */
  inject: (ledger: MessageLedger) => Promise<void>;
  /** Accepted RELIABLE messages before the fault, and again after it (default 50). */
  steadyCount?: number;
  /** How long the recovery and the final settling may take (default 60 s). */
  settleTimeoutMs?: number;
}

/** Where each case's result goes (one JSON file per case): what the reliability report is made from. */
export const RELIABILITY_OUTPUT = join(REPO, 'test-output', 'reliability');

/**
 * Run `fault.traffic` through `fault.inject`: steady traffic first (`steadyCount` accepted RELIABLE messages), then
 * the fault and its repair, then traffic until the lane accepts again, then every client settles (answers, fetches,
 * deliveries). The result (counts per lane, violations, recovery time) is written to `RELIABILITY_OUTPUT`.
 */
export async function runFaultCase(fault: FaultCase): Promise<FaultCaseResult> {
  const ledger = new MessageLedger();
  const steady = fault.steadyCount ?? 50;
  const timeoutMs = fault.settleTimeoutMs ?? 60_000;
  const accepted = (): number => ledger.report().RELIABLE.accepted;
  const traffic = await FaultTraffic.start({ ...fault.traffic, ledger });
  try {
    await waitFor(`${steady} RELIABLE messages accepted before the fault`, () => accepted() >= steady, {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    await fault.inject(ledger);
    const repairedAt = Date.now();
    const before = accepted();
    const mark = ledger.mark();
    // Offline recipients are shown their messages only when the traffic settles: then accepting again is the recovery.
    const online = fault.traffic.recipientsOnline !== false;
    const recovered = (): boolean => accepted() >= before + steady && (!online || ledger.shownSince(mark) >= steady);
    await waitFor(`the RELIABLE lane accepting and delivering again after: ${fault.injected}`, recovered, { timeoutMs, intervalMs: 50 });
    const recoveryMs = Date.now() - repairedAt;
    await traffic.settle(timeoutMs);
    return record(fault, ledger, traffic, recoveryMs, traffic.violations());
  } catch (error) {
    // The case failed: its result is recorded all the same (the report shows it broken), then the failure goes on.
    record(fault, ledger, traffic, -1, [...traffic.violations(), errorMessage(error)]);
    throw error;
  } finally {
    await traffic.close();
  }
}

/** The case's result, written to `RELIABILITY_OUTPUT`. */
function record(fault: FaultCase, ledger: MessageLedger, traffic: FaultTraffic, recoveryMs: number, violations: string[]): FaultCaseResult {
  const { pairs, rates } = fault.traffic;
  const load = `${pairs} sender/recipient pairs across the connectors, each ${rates.RELIABLE} RELIABLE + ${rates.FAST} FAST msg/s`;
  const result: FaultCaseResult = {
    name: fault.name,
    injected: fault.injected,
    load,
    report: ledger.report(),
    recoveryMs,
    disconnects: traffic.disconnects,
    violations,
  };
  writeCaseResult(RELIABILITY_OUTPUT, fault.name, result);
  return result;
}

/** Write a case's result to `directory`, as JSON in a file named after the case. */
export function writeCaseResult(directory: string, name: string, result: object): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
