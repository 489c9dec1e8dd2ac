import type { AnalyticsReport } from '@linker/contracts';
import { useState } from 'preact/hooks';
import { analyticsSeries, hasData } from './analytics-series';
import { useAnalytics } from './use-ops-data';
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
  const { report, error } = useAnalytics(chosen, tick);
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
      {chosen === undefined ? (
        <p class="hint">The topology has no client app (or is not read yet).</p>
      ) : error ? (
        <p class="error-text">{error}</p>
      ) : (
        <AnalyticsChart app={chosen} read={report} />
      )}
    </section>
  );
}

/** The chart of what was read, or in words: still reading, or nothing counted. */
function AnalyticsChart({ app, read }: { app: string; read?: { report: AnalyticsReport; at: number } }) {
  if (read === undefined) return <p class="hint">Reading the analytics…</p>;
  const series = analyticsSeries(read.report, read.at);
  if (!hasData(series)) {
    return (
      <p class="hint" data-testid="ops-analytics-empty">
        Nothing counted for {app} in the last 24 hours.
      </p>
    );
  }
  const { domains } = read.report;
  return (
    <>
      <UplotChart
        times={series.times}
        values={[series.connected, series.senders, series.messages, series.stored]}
        lines={LINES}
        width={640}
        height={220}
        testId="ops-analytics-chart"
        title={`Per-hour analytics of ${app}`}
      />
      {domains.length > 1 && (
        <p class="hint">
          Summed over {domains.join(', ')}; unique users are within about 1%, and a user named by the app’s own events in two domains counts
          twice.
        </p>
      )}
    </>
  );
}
