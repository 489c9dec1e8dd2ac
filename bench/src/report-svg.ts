import type { ScenarioResult } from './results';

/** One line of the chart: a scenario's p50 or p99 against offered load. */
export interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: Array<{ x: number; y: number }>;
}

const WIDTH = 820;
const HEIGHT = 500;
const PAD = { left: 70, right: 230, top: 40, bottom: 55 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
const MIN_MS = 0.1;

/** p50 (solid) and p99 (dashed) series of every scenario that has rate steps, one colour per scenario. */
export function latencySeries(scenarios: ScenarioResult[]): Series[] {
  const withSteps = scenarios.filter((s) => (s.steps?.length ?? 0) > 0);
  return withSteps.flatMap((scenario, index) => {
    const color = COLORS[index % COLORS.length]!;
    const steps = [...scenario.steps!].sort((a, b) => a.offeredRate - b.offeredRate);
    const points = (pick: 'p50' | 'p99') =>
      steps.filter((s) => s.latency.count > 0).map((s) => ({ x: s.offeredRate, y: Math.max(MIN_MS, s.latency[pick]) }));
    return [
      { label: `${scenario.name} p50`, color, dashed: false, points: points('p50') },
      { label: `${scenario.name} p99`, color, dashed: true, points: points('p99') },
    ];
  });
}

/** Round numbers for the x axis: 0 and 4–6 steps of 1, 2 or 5 × 10^k up to at least `max`. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(value);
  return ticks;
}

/** Decades for the log y axis, from MIN_MS to the first power of ten at or above `max`. */
export function decadeTicks(max: number): number[] {
  const ticks = [MIN_MS];
  while (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! * 10).toPrecision(1)));
  if (ticks.length < 2) ticks.push(1);
  return ticks;
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function axes(xTicks: number[], yTicks: number[], x: (v: number) => number, y: (v: number) => number): string[] {
  const plotBottom = HEIGHT - PAD.bottom;
  const out = [
    `<line x1="${PAD.left}" y1="${plotBottom}" x2="${WIDTH - PAD.right}" y2="${plotBottom}" stroke="#333"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${plotBottom}" stroke="#333"/>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${x(t)}" y1="${plotBottom}" x2="${x(t)}" y2="${plotBottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(t)}" y="${plotBottom + 20}" text-anchor="middle">${t}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${PAD.left}" y1="${y(t)}" x2="${WIDTH - PAD.right}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${PAD.left - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  out.push(`<text x="${(PAD.left + WIDTH - PAD.right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">offered load (msg/s)</text>`);
  out.push(
    `<text x="18" y="${(PAD.top + plotBottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(PAD.top + plotBottom) / 2})">latency (ms, log scale)</text>`,
  );
  return out;
}

function seriesMarkup(series: Series, index: number, x: (v: number) => number, y: (v: number) => number): string[] {
  const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
  const path = series.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
  const legendY = PAD.top + 10 + index * 18;
  const legendX = WIDTH - PAD.right + 15;
  return [
    `<polyline class="series" fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${path}"/>`,
    ...series.points.map((p) => `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${series.color}"/>`),
    `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${series.color}" stroke-width="2"${dash}/>`,
    `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(series.label)}</text>`,
  ];
}

/** A self-contained SVG line chart of latency (log scale) against offered load; a note when there is nothing to plot. */
export function renderLatencySvg(series: Series[], title = 'Latency against offered load'): string {
  const points = series.flatMap((s) => s.points);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`;
  const parts = [
    head,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  if (points.length === 0) {
    parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no rate steps measured</text>`, '</svg>');
    return parts.join('\n');
  }
  const xTicks = niceTicks(Math.max(...points.map((p) => p.x)));
  const yTicks = decadeTicks(Math.max(...points.map((p) => p.y)));
  const xMax = xTicks[xTicks.length - 1]!;
  const [yMin, yMax] = [Math.log10(yTicks[0]!), Math.log10(yTicks[yTicks.length - 1]!)];
  const x = (v: number): number => PAD.left + (v / xMax) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number): number => HEIGHT - PAD.bottom - ((Math.log10(v) - yMin) / (yMax - yMin)) * (HEIGHT - PAD.top - PAD.bottom);
  parts.push(...axes(xTicks, yTicks, x, y));
  series.forEach((s, index) => parts.push(...seriesMarkup(s, index, x, y)));
  parts.push('</svg>');
  return parts.join('\n');
}
