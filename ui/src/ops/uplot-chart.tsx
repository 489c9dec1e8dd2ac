import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  color: string;
  /** Drawn as bars rather than a line. */
  bars?: boolean;
}

/**
 * A uPlot chart of `times` (epoch seconds) against one series per line, created once and given new data on each
 * render (uPlot redraws only what changed). `testId` names it for the browser tests, with its point count in `data-points`.
 */
export function UplotChart(props: {
  times: number[];
  values: number[][];
  lines: ChartLine[];
  width: number;
  height: number;
  testId: string;
  title: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const data = [props.times, ...props.values] as uPlot.AlignedData;
  useEffect(() => {
    if (!host.current) return;
    const options = chartOptions(props.lines, props.width, props.height);
    chart.current = new uPlot(options, data, host.current);
    return () => {
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, [props.width, props.height, props.lines.length]);
  useEffect(() => chart.current?.setData(data), [data]);
  return <div ref={host} class="chart" role="img" aria-label={props.title} data-testid={props.testId} data-points={props.times.length} />;
}

/** Time across, one series per line (bars or a line), a legend and a cursor. */
function chartOptions(lines: ChartLine[], width: number, height: number): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
  const series = lines.map((line) => ({
    label: line.label,
    stroke: line.color,
    fill: line.bars ? `${line.color}55` : undefined,
    paths: line.bars ? bars : undefined,
    width: 1.5,
  }));
  return {
    width,
    height,
    legend: { show: true },
    cursor: { show: true },
    scales: { x: { time: true } },
    axes: [{ size: 28 }, { size: 40 }],
    series: [{}, ...series],
  };
}
