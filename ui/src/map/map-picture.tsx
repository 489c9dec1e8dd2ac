import { agoText, fadeOf, fitTo, type Point, type Worker } from './team-map';
import type { TeamMapView } from './use-team-map';

const WIDTH = 800;
const HEIGHT = 480;
const MARGIN = 28;

/** `map-picture`: a dot per worker at its last position, its trail behind it, fading while it is not heard from. */
export function MapPicture({ view }: { view: TeamMapView }) {
  const box = view.map.box;
  const place = box && fitTo(box, WIDTH, HEIGHT, MARGIN);
  return (
    <svg data-testid="map-picture" class="team-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="The workers’ positions">
      <rect class="map-ground" x={0} y={0} width={WIDTH} height={HEIGHT} rx={8} />
      {place === undefined ? (
        <text class="map-empty" x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle">
          No positions yet: watch a team channel, or simulate workers.
        </text>
      ) : (
        view.map.workers().map((worker) => <WorkerMark key={worker.name} worker={worker} place={place} now={view.now} />)
      )}
    </svg>
  );
}

/** `map-worker`: one worker (`data-pos`: its last position as published, x,y or lon,lat). Its name shows on hover. */
function WorkerMark({ worker, place, now }: { worker: Worker; place: (p: Point) => Point; now: number }) {
  const points = worker.trail.map(place);
  const at = points[points.length - 1];
  const last = worker.trail[worker.trail.length - 1];
  const age = now - worker.heard;
  return (
    <g
      data-testid="map-worker"
      data-worker={worker.name}
      data-pos={`${last.x},${last.y}`}
      data-count={String(worker.count)}
      class="worker"
      opacity={fadeOf(age)}
    >
      <title>{`${worker.name}: heard ${agoText(age)}, ${worker.count} position${worker.count === 1 ? '' : 's'}`}</title>
      <polyline class="trail" points={points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} stroke={colourOf(worker.name)} />
      <circle cx={at.x} cy={at.y} r={7} fill={colourOf(worker.name)} />
      <text class="worker-name" x={at.x + 10} y={at.y - 10}>
        {worker.name}
      </text>
    </g>
  );
}

/** A colour of its own for each name (the same on every redraw). */
export function colourOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  // Golden-angle steps: names that differ by one character still get hues far apart.
  return `hsl(${Math.round((hash * 137.508) % 360)} 65% 42%)`;
}
