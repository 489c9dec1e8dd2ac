'use strict';
/**
 * Preloaded into every Node server process the benchmark starts (`node --require <this file>`), without changing the
 * app: once a second it appends one JSON line to the file named by BENCH_LOOP_PROBE_FILE (nothing when it is unset):
 *
 *   {"pid":123,"from":<epoch ms>,"to":<epoch ms>,"loop":{"p50":0.1,"p99":2.3,"max":7.9,"samples":98},
 *    "gc":{"minor":{"count":3,"totalMs":1.2,"maxMs":0.6},"major":{…}}}
 *
 * `loop`: event-loop delay over the second, ms (perf_hooks.monitorEventLoopDelay, sampled every 10 ms; the sampling
 * interval is subtracted, so an idle loop reads about 0). The first sample after each reading is skipped by Node
 * (its histogram restarts), so about 10 ms of each second is not observed. `gc`: the garbage-collection pauses that
 * ended in the second, by kind (PerformanceObserver on `gc` entries).
 *
 * SIGUSR2 makes it run a full garbage collection: the idle-connections scenario sends it before it
 * reads the RSS, so what it reads is live memory, not garbage the process has not collected yet.
 *
 * Costs one timer a second (unref'd: it never keeps the process alive) and one short write. It never throws into the
 * app: if the file cannot be written, it stops quietly.
 */
const { closeSync, openSync, writeSync } = require('node:fs');
const { constants, monitorEventLoopDelay } = require('node:perf_hooks');
const { setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

const RESOLUTION_MS = 10;
const file = process.env.BENCH_LOOP_PROBE_FILE;

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const round3 = (value) => Math.round(value * 1000) / 1000;
/** A histogram value (ns, the sampling interval included) as delay in ms. */
const delayMs = (ns) => round3(Math.max(0, ns / 1e6 - RESOLUTION_MS));

function start(path) {
  const fd = openSync(path, 'a');
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let gc = {};
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[entry.detail ? entry.detail.kind : entry.kind] || 'other';
      const stats = gc[kind] || (gc[kind] = { count: 0, totalMs: 0, maxMs: 0 });
      stats.count += 1;
      stats.totalMs = round3(stats.totalMs + entry.duration);
      stats.maxMs = round3(Math.max(stats.maxMs, entry.duration));
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let from = Date.now();
  const timer = setInterval(() => {
    const to = Date.now();
    const samples = histogram.count;
    const loop =
      samples > 0
        ? { p50: delayMs(histogram.percentile(50)), p99: delayMs(histogram.percentile(99)), max: delayMs(histogram.max), samples }
        : { p50: 0, p99: 0, max: 0, samples: 0 };
    const line = JSON.stringify({ pid: process.pid, from, to, loop, gc });
    histogram.reset();
    gc = {};
    from = to;
    try {
      writeSync(fd, `${line}\n`);
    } catch {
      clearInterval(timer);
      observer.disconnect();
      histogram.disable();
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }, 1000);
  timer.unref();
}

/** Full collections on SIGUSR2. `gc` is exposed at run time, so the server's command line stays the app's own. */
function collectOnSignal() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => gc());
}

if (file) {
  try {
    collectOnSignal();
    start(file);
  } catch {
    // The probe must never stop the app from starting: without it, the report shows no loop figures.
  }
}
