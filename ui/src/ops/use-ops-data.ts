import type { AnalyticsReport, OpsDeadLetters, OpsOverview } from '@linker/contracts';
import { useEffect, useState } from 'preact/hooks';
import { fetchAnalytics, fetchDeadLetters, fetchOverview, reinject } from '../api/ops';
import { DAY_MS } from './analytics-series';
import type { OpsRates } from './rates';

/** How often the overview is read while the screen is shown. */
const EVERY_MS = 1_500;

/** The overview read every 1.5 s while `active` (each read fed to `rates`), the reads so far (`tick`), and an error in words. */
export function useOverview(active: boolean, rates: OpsRates) {
  const [overview, setOverview] = useState<OpsOverview | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    const read = () =>
      fetchOverview().then(
        (answer) => {
          if (stopped) return;
          rates.add(answer);
          setOverview(answer);
          setError(undefined);
          setTick((n) => n + 1);
        },
        (problem: Error) => !stopped && setError(`The connectors and processors could not be read: ${problem.message}`),
      );
    void read();
    const timer = setInterval(read, EVERY_MS);
    return () => ((stopped = true), clearInterval(timer));
  }, [active, rates]);
  return { overview, error, tick };
}

export type Outcomes = Record<string, { ok: boolean; text: string }>;

/** The dead letters, read again at each `tick` and after each re-injection, and the outcome of each re-injection. */
export function useDeadLetters(tick: number) {
  const [letters, setLetters] = useState<OpsDeadLetters | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [outcomes, setOutcomes] = useState<Outcomes>({});
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    fetchDeadLetters().then(
      (answer) => (setLetters(answer), setError(undefined)),
      (problem: Error) => setError(`The dead letters could not be read: ${problem.message}`),
    );
  }, [tick, reloads]);
  const outcome = (id: string, ok: boolean, text: string) => setOutcomes((all) => ({ ...all, [id]: { ok, text } }));
  const onReinject = (domain: string, id: string) => {
    outcome(id, true, 'Re-injecting…');
    reinject(domain, id)
      .then(
        () => outcome(id, true, 'Re-injected: back on the intake.'),
        (problem: Error) => outcome(id, false, `Not re-injected: ${problem.message}`),
      )
      .finally(() => setReloads((n) => n + 1));
  };
  return { letters, error, outcomes, onReinject };
}

/** `app`'s last 24 hours, read when the app changes and once a minute (every 40th overview `tick`). */
export function useAnalytics(app: string | undefined, tick: number) {
  const [report, setReport] = useState<{ report: AnalyticsReport; at: number } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const minute = Math.floor(tick / 40);
  useEffect(() => {
    if (app === undefined) return;
    const now = Date.now();
    fetchAnalytics(app, now - DAY_MS, now).then(
      (answer) => (setReport({ report: answer, at: now }), setError(undefined)),
      (problem: Error) => setError(`The analytics of ${app} could not be read: ${problem.message}`),
    );
  }, [app, minute]);
  return { report, error };
}
