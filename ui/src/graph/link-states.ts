import type { LinkObservation } from '@linker/contracts';

/** The picture's links: each link of the topology with its state from the processors' reports. Pure, no DOM. */

export type LinkState = 'up' | 'down' | 'unknown';

/** A processor's report of one link, from one end (`GET /api/links`). */
export type LinkReport = LinkObservation;

export interface GraphLink {
  /** `<a>~<b>`, the two names sorted. */
  key: string;
  n1: string;
  n2: string;
  cost: number;
  state: LinkState;
  /** What each end reports, in words (one line per report). */
  detail: string[];
}

/** `a~b` with the names sorted: how the picture, the tests and `GET /topology/route?down=` name a link. */
export function linkName(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

/**
 * The state of each link of the topology: `unknown` when no processor here reports it (from either end), `down`
 * when any report says down (one direction is enough to lose traffic that way), else `up`. Reports of links the
 * topology no longer has are ignored.
 */
export function graphLinks(
  links: ReadonlyArray<{ n1: string; n2: string; cost?: number }>,
  reports: readonly LinkReport[],
  now: number = Date.now(),
): GraphLink[] {
  const byLink = new Map<string, LinkReport[]>();
  for (const report of reports) {
    const key = linkName(report.from, report.to);
    byLink.set(key, [...(byLink.get(key) ?? []), report]);
  }
  const seen = new Set<string>();
  const result: GraphLink[] = [];
  for (const link of links) {
    const key = linkName(link.n1, link.n2);
    if (link.n1 === link.n2 || seen.has(key)) continue;
    seen.add(key);
    const [n1, n2] = link.n1 < link.n2 ? [link.n1, link.n2] : [link.n2, link.n1];
    const known = byLink.get(key) ?? [];
    const state: LinkState = known.length === 0 ? 'unknown' : known.some((r) => !r.up) ? 'down' : 'up';
    const detail = known.length === 0 ? ['no processor here reports this link'] : known.map((r) => describe(r, now));
    result.push({ key, n1, n2, cost: link.cost ?? 1, state, detail });
  }
  return result;
}

/** The links shown down, as `GET /topology/route?down=` takes them. */
export function downLinks(links: readonly GraphLink[]): string[] {
  return links.filter((l) => l.state === 'down').map((l) => l.key);
}

function describe(report: LinkReport, now: number): string {
  const parts = [`${report.from} → ${report.to}: ${report.up ? 'up' : 'down'}`];
  if (report.since !== undefined) parts.push(`for ${duration(now - report.since)}`);
  if (report.rttMs !== undefined) parts.push(`round trip ${Math.round(report.rttMs * 10) / 10} ms`);
  if (report.waiting) parts.push(`${report.waiting} waiting in custody`);
  return parts.join(', ') + (report.processor === undefined ? '' : ` (${report.processor})`);
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Where each domain is drawn: evenly on a circle, the first at the top, clockwise (one domain: the centre). */
export function circleLayout(
  names: readonly string[],
  width: number,
  height: number,
  margin: number,
): Map<string, { x: number; y: number }> {
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.max(0, Math.min(width, height) / 2 - margin);
  const positions = new Map<string, { x: number; y: number }>();
  names.forEach((name, i) => {
    if (names.length === 1) return void positions.set(name, { x: cx, y: cy });
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / names.length;
    positions.set(name, { x: Math.round(cx + radius * Math.cos(angle)), y: Math.round(cy + radius * Math.sin(angle)) });
  });
  return positions;
}

/** The links a path crosses, by name: `[a, b, c]` → `a~b`, `b~c`. */
export function pathLinks(path: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (let i = 1; i < path.length; i++) keys.add(linkName(path[i - 1], path[i]));
  return keys;
}
