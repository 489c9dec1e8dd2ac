import type { MaxRateResult, SearchStep, StepResult } from './results';

/**
 * The search for a load scenario's max sustainable rate (`--max-rate`): the highest offered rate whose step meets
 * the criterion, found by raising the rate geometrically from the scenario's first rate until a step fails, then
 * bisecting a few times between the last rate that passed and the first that failed. A step that fails is run once
 * more at the same rate before the failure is believed, and a rate met by either try counts as met: on a shared
 * machine one spike (a neighbour's burst, a collection in the load generator) otherwise decides the whole search.
 * Pure: the load scenario runs the steps, this decides the next rate and the verdicts.
 */

/** A step passes when its p99 is at most this, nothing was lost and something was measured. */
const MAX_P99_MS = 50;
export const CRITERION = `p99 ≤ ${MAX_P99_MS} ms and nothing lost`;

export interface SearchPlan {
  /** The first rate tried (msg/s). */
  start: number;
  /** Each rate while every step passes is the previous one times this. */
  factor: number;
  /** Steps between the last pass and the first failure, once both are known. */
  bisections: number;
  /** Never offered more (the harness's own limit: connections are opened for it). */
  ceiling: number;
  /** Never offered less, when even the first rate fails. */
  floor: number;
}

export const DEFAULT_PLAN: Omit<SearchPlan, 'start' | 'ceiling'> = { factor: 2, bisections: 3, floor: 50 };

export interface Tried {
  rate: number;
  passed: boolean;
}

/** Whether a step meets the criterion, and if not, why. */
export function verdict(step: Pick<StepResult, 'latency' | 'delivery'>): { passed: boolean; why: string } {
  const problems: string[] = [];
  if (step.latency.count === 0) problems.push('nothing measured');
  else if (step.latency.p99 > MAX_P99_MS) problems.push(`p99 ${Math.round(step.latency.p99 * 10) / 10} ms > ${MAX_P99_MS}`);
  if (step.delivery.lost > 0) problems.push(`${step.delivery.lost} lost`);
  return problems.length === 0 ? { passed: true, why: 'met' } : { passed: false, why: problems.join(', ') };
}

/** `value` with two significant digits (12,345 → 12,000), so bisected rates stay readable. */
export function roundRate(value: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, value))) - 1);
  return Math.round(value / unit) * unit;
}

/** Each rate tried, in the order first tried: met when any of its tries met the criterion, with how often it was tried. */
function byRate(tried: Tried[]): Array<{ rate: number; passed: boolean; tries: number }> {
  const rates = new Map<number, { rate: number; passed: boolean; tries: number }>();
  for (const { rate, passed } of tried) {
    const seen = rates.get(rate) ?? { rate, passed: false, tries: 0 };
    seen.passed ||= passed;
    seen.tries += 1;
    rates.set(rate, seen);
  }
  return [...rates.values()];
}

/** The lowest rate that failed (every try) and the highest that passed below it (a pass above a failure is noise, ignored). */
export function bracket(tried: Tried[]): { passed?: number; failed?: number } {
  const rates = byRate(tried);
  const failures = rates.filter((t) => !t.passed).map((t) => t.rate);
  const failed = failures.length > 0 ? Math.min(...failures) : undefined;
  const passes = rates.filter((t) => t.passed && (failed === undefined || t.rate < failed)).map((t) => t.rate);
  return { passed: passes.length > 0 ? Math.max(...passes) : undefined, failed };
}

/** How many rates were tried after the first rate that made both a pass and a failure known. */
function bisectionsDone(tried: Tried[]): number {
  const rates = byRate(tried);
  for (let i = 0; i < rates.length; i++) {
    const seen = rates.slice(0, i + 1);
    if (seen.some((t) => t.passed) && seen.some((t) => !t.passed)) return rates.length - 1 - i;
  }
  return 0;
}

/** The next rate to try, or undefined when the search is over. */
export function nextRate(tried: Tried[], plan: SearchPlan): number | undefined {
  if (tried.length === 0) return Math.min(plan.start, plan.ceiling);
  const last = tried[tried.length - 1]!;
  if (!last.passed && tried.filter((t) => t.rate === last.rate).length === 1) return last.rate;
  const { passed, failed } = bracket(tried);
  if (failed === undefined) return passed! >= plan.ceiling ? undefined : Math.min(plan.ceiling, Math.round(passed! * plan.factor));
  if (passed === undefined) return failed <= plan.floor ? undefined : Math.max(plan.floor, Math.round(failed / plan.factor));
  if (bisectionsDone(tried) >= plan.bisections) return undefined;
  const middle = (passed + failed) / 2;
  const rounded = roundRate(middle);
  const next = rounded > passed && rounded < failed ? rounded : Math.round(middle);
  return next > passed && next < failed ? next : undefined;
}

export function searchResult(steps: SearchStep[], plan: SearchPlan, stepSeconds: number, warmupSeconds: number): MaxRateResult {
  const { passed } = bracket(steps.map((s) => ({ rate: s.offeredRate, passed: s.passed })));
  return {
    criterion: CRITERION,
    rate: passed,
    atCeiling: passed !== undefined && passed >= plan.ceiling,
    stepSeconds,
    warmupSeconds,
    steps,
  };
}
