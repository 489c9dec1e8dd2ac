import { timerSchedule, type Schedule } from './pacer';

/**
 * Open-loop schedule: message `i` of a step is due at `startMs + i * 1000 / rate`, whatever the replies do, so a slow
 * server cannot slow the offered load down (no coordinated omission). Latency is measured from that intended time.
 * Message `i` goes out on sender `i mod senders` with that sender's sequence number `floor(i / senders)`.
 */
export interface ScheduleSpec {
  /** Offered rate, messages per second (> 0). */
  rate: number;
  /** Time of message 0, in the clock's milliseconds. */
  startMs: number;
  /** How many messages the step sends. */
  total: number;
  /** Connections that take turns sending. */
  senders: number;
}

export function intendedTimeMs(spec: ScheduleSpec, index: number): number {
  return spec.startMs + (index * 1000) / spec.rate;
}

/** How many messages are due at `nowMs` (those whose intended time is ≤ now), capped at `total`. */
export function dueCount(spec: ScheduleSpec, nowMs: number): number {
  if (nowMs < spec.startMs) return 0;
  const due = Math.floor(((nowMs - spec.startMs) * spec.rate) / 1000) + 1;
  return Math.min(spec.total, due);
}

export function senderOf(spec: ScheduleSpec, index: number): number {
  return index % spec.senders;
}

export function sequenceOf(spec: ScheduleSpec, index: number): number {
  return Math.floor(index / spec.senders);
}

/** Total messages of a step that lasts `durationMs` at `rate`. */
export function messagesFor(rate: number, durationMs: number): number {
  return Math.max(1, Math.round((rate * durationMs) / 1000));
}

export interface OpenLoopOptions {
  spec: ScheduleSpec;
  /** How to wait for the next due message; default Node timers (~1 ms granularity). */
  schedule?: Schedule;
  /** Monotonic clock, milliseconds. */
  now(): number;
  /** Send message `index`, intended at `intendedMs`, now (`nowMs`). Must not throw. */
  send(index: number, intendedMs: number, nowMs: number): void;
}

/**
 * Run the schedule: on each tick send every message that is due, then sleep until the next one is due. With Node
 * timers (about a millisecond of granularity) messages leave in small batches up to ~1 ms late; a `WorkerPacer`
 * brings that to a fraction of a millisecond. The lag is part of the measured latency and is reported separately.
 * Resolves with the number sent once all `total` are out.
 */
export function runOpenLoop({ spec, now, send, schedule = timerSchedule }: OpenLoopOptions): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    const tick = (): void => {
      const nowMs = now();
      const due = dueCount(spec, nowMs);
      while (next < due) {
        send(next, intendedTimeMs(spec, next), nowMs);
        next++;
      }
      if (next >= spec.total) {
        resolve(next);
        return;
      }
      schedule(tick, Math.max(0, intendedTimeMs(spec, next) - now()));
    };
    tick();
  });
}
