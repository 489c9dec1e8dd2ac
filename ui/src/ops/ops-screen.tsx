import { useMemo } from 'preact/hooks';
import type { TopologyFeed } from '../topology/topology-feed';
import { useObservable } from '../store';
import { AnalyticsCard } from './analytics-card';
import { DeadLetterCard } from './dead-letter-card';
import { NodeCards } from './node-cards';
import { OpsRates } from './rates';
import { useOverview } from './use-ops-data';
import { UserLookup } from './user-lookup';

/**
 * The operations view (`#/ops`): the domain's connectors and processors (connections, messages per second by lane,
 * p99 delivery latency), the dead letters with re-injection, a user lookup, and an app's last 24 hours.
 */
export function OpsScreen({ feed, active }: { feed: TopologyFeed; active: boolean }) {
  useObservable(feed);
  const rates = useMemo(() => new OpsRates(), []);
  const { overview, error, tick } = useOverview(active, rates);
  const apps = feed.doc?.clientApps.map((app) => app.appName) ?? [];
  return (
    <div class="ops" data-testid="ops-screen">
      <section aria-label="Connectors and processors">
        <h2>Connectors and processors</h2>
        {error && (
          <p class="error-text" data-testid="ops-error">
            {error}
          </p>
        )}
        <NodeCards overview={overview} rates={rates} />
      </section>
      <div class="ops-columns">
        <DeadLetterCard tick={Math.floor(tick / 2)} />
        <div class="column">
          <UserLookup />
        </div>
      </div>
      <AnalyticsCard apps={apps} tick={tick} />
    </div>
  );
}
