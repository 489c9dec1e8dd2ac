import { colourOf } from './map-picture';
import { agoText } from './team-map';
import type { TeamMapView } from './use-team-map';

/** `map-stats` (workers, publications per second) and `map-worker-row`: each worker, when last heard, how often. */
export function WorkerTable({ view }: { view: TeamMapView }) {
  const workers = view.map.workers();
  const rate = view.rate.perSecond(view.now);
  return (
    <div class="worker-table">
      <p data-testid="map-stats" data-workers={String(workers.length)} data-rate={rate.toFixed(1)} class="map-stats">
        <strong>{workers.length}</strong> worker{workers.length === 1 ? '' : 's'} · <strong>{rate.toFixed(1)}</strong> publications/s
        {view.map.ignored > 0 && ` · ${view.map.ignored} without a position (ignored)`}
      </p>
      <ul>
        {workers.map((w) => (
          <li key={w.name} data-testid="map-worker-row" data-worker={w.name}>
            <span class="swatch" style={{ background: colourOf(w.name) }} aria-hidden="true" /> {w.name}{' '}
            <small>
              heard {agoText(view.now - w.heard)} · {w.count}
            </small>
          </li>
        ))}
      </ul>
    </div>
  );
}
