import type { AnalyticsReport } from '@linker/contracts';
import { useEffect, useState } from 'preact/hooks';
import { fetchAnalytics } from '../api/ops';
import { analyticsSeries, DAY_MS, hasData } from './analytics-series';
import { UplotChart } from './uplot-chart';

const LINES = [
  { label: 'connected users', color: '#2563eb' },
  { label: 'senders', color: '#16a34a' },
  { label: 'messages', color: '#d97706', bars: true },
  { label: 'stored', color: '#9333ea' },
];

/** An app's per-hour analytics over the last 24 hours, summed over the domains that report them, as a chart. */
export function AnalyticsCard({ apps, tick }: { apps: readonly string[]; tick: number }) {
  const [app, setApp] = useState<string | undefined>(undefined);
  const chosen = app ?? apps[0];
  const [report, setReport] = useState<{ report: AnalyticsReport; at: number } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  // Once a minute is plenty for hourly numbers (every 40th overview tick), and at once when the app changes.
  const minute = Math.floor(tick / 40);
  useEffect(() => {
    if (chosen === undefined) return;
    const now = Date.now();
    fetchAnalytics(chosen, now - DAY_MS, now).then(
      (answer) => (setReport({ report: answer, at: now }), setError(undefined)),
      (problem: Error) => setError(`The analytics of ${chosen} could not be read: ${problem.message}`),
    );
  }, [chosen, minute]);
  const series = report && analyticsSeries(report.report, report.at);
  return (
    <section class="card" aria-label="Analytics" data-testid="ops-analytics" data-app={chosen ?? ''}>
      <h2>Last 24 hours</h2>
      <label>
        App{' '}
        <select data-testid="ops-analytics-app" value={chosen} onChange={(e) => setApp(e.currentTarget.value)}>
          {apps.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      {chosen === undefined && <p class="hint">The topology has no client app (or is not read yet).</p>}
      {error && <p class="error-text">{error}</p>}
      {chosen !== undefined && !error && series === undefined && <p class="hint">Reading the analytics…</p>}
      {series && !hasData(series) && (
        <p class="hint" data-testid="ops-analytics-empty">
          Nothing counted for {chosen} in the last 24 hours.
        </p>
      )}
      {series && hasData(series) && (
        <UplotChart
          times={series.times}
          values={[series.connected, series.senders, series.messages, series.stored]}
          lines={LINES}
          width={640}
          height={220}
          testId="ops-analytics-chart"
          title={`Per-hour analytics of ${chosen}`}
        />
      )}
      {report && report.report.domains.length > 1 && (
        <p class="hint">
          Summed over {report.report.domains.join(', ')}; unique users are within about 1% and a user named by the app’s own events in two
          domains counts twice.
        </p>
      )}
    </section>
  );
}
