import { useState } from 'preact/hooks';
import { useObservable } from '../store';
import type { Simulation } from './simulation';
import { SIM_EVERY_MS, SIM_WORKERS, simCount } from './worker-walk';

/** *Simulate workers*: N fake workers publishing their positions to the watched channel from this connection. */
export function SimulatePanel({ simulation, channel, connected }: { simulation: Simulation; channel?: string; connected: boolean }) {
  useObservable(simulation);
  const [count, setCount] = useState(String(SIM_WORKERS.initial));
  return (
    <section class="card" aria-label="Simulate workers">
      <h2>Simulate workers</h2>
      <p class="hint">
        Publishes a position <code>{'{worker, lat, lon}'}</code> for each fake worker every {SIM_EVERY_MS} ms to the watched channel, from
        this connection (FAST): the channel’s rule must say <code>publish: clients</code>.
      </p>
      <div class="row">
        <label>
          Workers
          <input
            data-testid="map-sim-count"
            type="number"
            min={SIM_WORKERS.min}
            max={SIM_WORKERS.max}
            value={count}
            onInput={(e) => setCount(e.currentTarget.value)}
          />
        </label>
        <StartStop simulation={simulation} channel={channel} connected={connected} count={count} />
      </div>
      <p data-testid="map-sim-state" data-running={String(simulation.running)} class="hint">
        {simulation.running ? `${simulation.sent} positions published to ${channel ?? ''}.` : (simulation.stopped ?? 'Not running.')}
      </p>
    </section>
  );
}

/** *Start* (once a channel is watched and the connection is up) or *Stop*. */
function StartStop({
  simulation,
  channel,
  connected,
  count,
}: {
  simulation: Simulation;
  channel?: string;
  connected: boolean;
  count: string;
}) {
  if (simulation.running)
    return (
      <button data-testid="map-sim-stop" type="button" onClick={() => simulation.stop()}>
        Stop
      </button>
    );
  return (
    <button
      data-testid="map-sim-start"
      type="button"
      class="primary"
      disabled={channel === undefined || !connected}
      onClick={() => channel !== undefined && simulation.start(channel, simCount(count))}
    >
      Start
    </button>
  );
}
