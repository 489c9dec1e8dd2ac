/** What the team map shows: each worker's last positions, the box they fill, and how to fit it in a picture. Pure. */

export interface Point {
  x: number;
  y: number;
}

/** The smallest box holding every position seen. */
export interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface Worker {
  name: string;
  /** The last positions, oldest first; the last one is where the worker is. */
  trail: Point[];
  /** When its last position arrived. */
  heard: number;
  /** Positions received. */
  count: number;
}

/** Positions kept per worker for its trail. */
const TRAIL_LENGTH = 12;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The position a publication's data carries: `{lat, lon}` (x is the longitude, y the latitude) or `{x, y}`. */
export function positionOf(data: unknown): Point | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const fields = data as Record<string, unknown>;
  if (isNumber(fields.lat) && isNumber(fields.lon)) return { x: fields.lon, y: fields.lat };
  if (isNumber(fields.x) && isNumber(fields.y)) return { x: fields.x, y: fields.y };
  return undefined;
}

/** Whose position it is: the data's `worker` field (a publisher speaking for several), else the publishing user. */
export function workerOf(data: unknown, from: string | undefined): string | undefined {
  const worker = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).worker : undefined;
  return typeof worker === 'string' && worker !== '' ? worker : from;
}

export class TeamMap {
  /** Publications that carried no position, or named no worker. */
  ignored = 0;
  private readonly byName = new Map<string, Worker>();
  private bounds?: Box;

  constructor(private readonly trailLength = TRAIL_LENGTH) {}

  get box(): Box | undefined {
    return this.bounds;
  }

  /** A publication arrived at `time`; false when it is not a worker's position (counted in `ignored`). */
  add(publication: { data: unknown; from?: string }, time: number): boolean {
    const point = positionOf(publication.data);
    const name = workerOf(publication.data, publication.from);
    if (point === undefined || name === undefined) {
      this.ignored += 1;
      return false;
    }
    const worker = this.byName.get(name) ?? { name, trail: [], heard: time, count: 0 };
    worker.trail.push(point);
    if (worker.trail.length > this.trailLength) worker.trail.shift();
    worker.heard = time;
    worker.count += 1;
    this.byName.set(name, worker);
    this.bounds = grow(this.bounds, point);
    return true;
  }

  /** Every worker seen, by name. */
  workers(): Worker[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }
}

function grow(box: Box | undefined, p: Point): Box {
  if (box === undefined) return { minX: p.x, maxX: p.x, minY: p.y, maxY: p.y };
  return { minX: Math.min(box.minX, p.x), maxX: Math.max(box.maxX, p.x), minY: Math.min(box.minY, p.y), maxY: Math.max(box.maxY, p.y) };
}

/**
 * Where a point of `box` goes in a `width` × `height` picture (y down) with `margin` on each side: one scale for both
 * axes (shapes keep their proportions), centred, north (greater y) up. A box of one point (or a line) is centred.
 */
export function fitTo(box: Box, width: number, height: number, margin: number): (p: Point) => Point {
  const spanX = box.maxX - box.minX;
  const spanY = box.maxY - box.minY;
  const roomX = width - 2 * margin;
  const roomY = height - 2 * margin;
  const scale = Math.min(spanX > 0 ? roomX / spanX : Infinity, spanY > 0 ? roomY / spanY : Infinity);
  const k = Number.isFinite(scale) ? scale : 1;
  const offsetX = margin + (roomX - spanX * k) / 2;
  const offsetY = margin + (roomY - spanY * k) / 2;
  return (p) => ({ x: offsetX + (p.x - box.minX) * k, y: offsetY + (box.maxY - p.y) * k });
}

/** How long ago, in words: `0.4 s ago`, `12 s ago`, `3 min ago`. */
export function agoText(ms: number): string {
  const age = Math.max(0, ms);
  if (age < 10_000) return `${(age / 1000).toFixed(1)} s ago`;
  if (age < 120_000) return `${Math.round(age / 1000)} s ago`;
  return `${Math.round(age / 60_000)} min ago`;
}

/** A dot's opacity for a worker last heard `ageMs` ago: full for 2 s, then fading to a quarter at 30 s. */
export function fadeOf(ageMs: number): number {
  if (ageMs <= 2000) return 1;
  if (ageMs >= 30_000) return 0.25;
  return 1 - (0.75 * (ageMs - 2000)) / 28_000;
}
