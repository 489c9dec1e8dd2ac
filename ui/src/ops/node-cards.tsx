import type { OpsConnector, OpsOverview, OpsProcessor } from '@linker/contracts';
import { keyOf, type OpsRates } from './rates';
import { UplotChart } from './uplot-chart';

const LANES = [
  { label: 'RELIABLE /s', color: '#2563eb' },
  { label: 'FAST /s', color: '#d97706' },
];

/** A card per connector and per processor of the domain, as last read; before the first read, in words. */
export function NodeCards({ overview, rates }: { overview?: OpsOverview; rates: OpsRates }) {
  if (overview === undefined) return <p class="hint">Reading the connectors and processors…</p>;
  return (
    <div class="ops-nodes">
      {overview.connectors.length === 0 && <p class="hint">No connector is known to this server.</p>}
      {overview.connectors.map((connector) => (
        <ConnectorCard key={connector.url} connector={connector} />
      ))}
      {overview.processors.length === 0 && <p class="hint">No processor is known to this server.</p>}
      {overview.processors.map((processor) => (
        <ProcessorCard key={keyOf(processor)} processor={processor} rates={rates} />
      ))}
    </div>
  );
}

function ConnectorCard({ connector }: { connector: OpsConnector }) {
  const up = connector.error === undefined && connector.status === 'running';
  return (
    <section
      class="card ops-node"
      data-testid="ops-connector"
      data-name={connector.name ?? ''}
      data-sockets={connector.sockets ?? ''}
      data-state={up ? 'up' : 'down'}
    >
      <h3>
        <span class={`state ${up ? 'online' : 'state-failed'}`}>
          <span class="dot" />
        </span>{' '}
        Connector {connector.name ?? connector.url}
      </h3>
      {connector.error ? (
        <p class="error-text">{connector.error}</p>
      ) : (
        <dl class="ops-figures">
          <dt>State</dt>
          <dd>
            {connector.status}
            {connector.presenceLease === false ? ' (presence lease lapsed: its users look offline)' : ''}
          </dd>
          <dt>Connections</dt>
          <dd data-testid="ops-connections">
            {connector.sockets} open, {connector.authenticated} signed in
          </dd>
          <dt>Waiting to publish</dt>
          <dd>{connector.pendingPublishes}</dd>
        </dl>
      )}
      <small class="hint">{connector.url}</small>
    </section>
  );
}

function ProcessorCard({ processor, rates }: { processor: OpsProcessor; rates: OpsRates }) {
  const series = rates.of(processor);
  const p99 = rates.p99Ms(processor);
  return (
    <section class="card ops-node" data-testid="ops-processor" data-name={processor.name} data-state={processor.running ? 'up' : 'down'}>
      <h3>
        <span class={`state ${processor.running ? 'online' : 'state-failed'}`}>
          <span class="dot" />
        </span>{' '}
        Processor {processor.name}
        {processor.domain && <span class="badge">{processor.domain}</span>}
      </h3>
      {processor.error ? (
        <p class="error-text">{processor.error}</p>
      ) : (
        <>
          <dl class="ops-figures">
            <dt>State</dt>
            <dd>{processor.running ? 'consuming' : 'not consuming'}</dd>
            <dt>p99 delivery latency</dt>
            <dd data-testid="ops-p99">{p99 === undefined ? 'no delivery yet' : `${p99 < 10 ? p99.toFixed(1) : Math.round(p99)} ms`}</dd>
            <dt>Dead-lettered since start</dt>
            <dd data-testid="ops-dead-lettered">{processor.deadLettered ?? 0}</dd>
          </dl>
          {series.times.length < 2 ? (
            <p class="hint">Messages per second by lane: a chart once two samples were read.</p>
          ) : (
            <UplotChart
              times={series.times}
              values={[series.reliable, series.fast]}
              lines={LANES}
              width={320}
              height={140}
              testId="ops-rate-chart"
              title={`Messages per second by lane, ${processor.name}`}
            />
          )}
        </>
      )}
    </section>
  );
}
