/** Fake workers for the team map's simulation: each walks about a centre, one step at a time. Pure. */

export interface WorkerPosition {
  worker: string;
  lat: number;
  lon: number;
}

/** How many workers the simulation may drive: one connection publishes for all (50 frames/s per socket by default). */
export const SIM_WORKERS = { min: 1, max: 20, initial: 5 } as const;
/** How often each fake worker publishes (the team-tracking system's workers: every 550 ms). */
export const SIM_EVERY_MS = 550;

/** Madrid's Puerta del Sol: any place would do. */
const CENTRE = { lat: 40.4168, lon: -3.7038 };
/** Degrees: where workers start around the centre, and how far one step takes them. */
const SPREAD = 0.01;
const STEP = 0.0004;

/** The number of workers typed, kept within the limit (anything not a number: the initial count). */
export function simCount(typed: string): number {
  const n = Math.round(Number(typed));
  return Number.isFinite(n) && typed.trim() !== '' ? Math.max(SIM_WORKERS.min, Math.min(SIM_WORKERS.max, n)) : SIM_WORKERS.initial;
}

export class WorkerWalk {
  private readonly walkers: Array<WorkerPosition & { heading: number }>;

  constructor(
    count: number,
    prefix = 'sim',
    private readonly random: () => number = Math.random,
  ) {
    this.walkers = Array.from({ length: count }, (_, i) => ({
      worker: `${prefix}-${i + 1}`,
      lat: CENTRE.lat + (random() - 0.5) * SPREAD,
      lon: CENTRE.lon + (random() - 0.5) * SPREAD,
      heading: random() * 2 * Math.PI,
    }));
  }

  /** Every worker takes a step (turning a little): their new positions. */
  step(): WorkerPosition[] {
    return this.walkers.map((w) => {
      w.heading += (this.random() - 0.5) * 0.8;
      w.lat += Math.sin(w.heading) * STEP;
      w.lon += Math.cos(w.heading) * STEP;
      return { worker: w.worker, lat: round(w.lat), lon: round(w.lon) };
    });
  }
}

const round = (degrees: number): number => Math.round(degrees * 1e6) / 1e6;
