import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A histogram's child bound to one set of label values. */
export type HistogramChild = Histogram.Internal<string>;

/**
 * One registry per process, passed to whoever records. Create instruments once at start-up and keep them;
 * recording (`inc`, `set`, `observe`) is then a few arithmetic operations, plus a hash of the labels of a labelled
 * instrument (and a small object) on every call: on a per-frame path, count in plain numbers and let the registry read
 * them at scrape time (`sampledCounter`).
 */
export class Metrics {
  readonly registry = new Registry();

  constructor(labels: Record<string, string> = {}, options: { processMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels(labels);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * A gauge set by `sample` at each scrape rather than on the hot path: for values that live elsewhere (a link's
   * counters, a queue's length) and cost nothing until someone looks.
   */
  sampledGauge<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    sample: (gauge: Gauge<L>) => void,
  ): Gauge<L> {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Gauge<L>) {
        this.reset();
        sample(this);
      },
    });
  }

  /**
   * A counter read by `sample` at each scrape (a count kept elsewhere, which only grows): `sample` returns each label
   * set's total.
   */
  sampledCounter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    sample: () => Iterable<[Partial<Record<L, string>>, number]>,
  ): Counter<L> {
    return new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Counter<L>) {
        this.reset();
        for (const [labels, value] of sample()) this.inc(labels, value);
      },
    });
  }

  histogram<L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }

  /** The Prometheus text exposition, for a `/metrics` endpoint. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
