import { dueCount, intendedTimeMs, messagesFor, runOpenLoop, senderOf, sequenceOf, type ScheduleSpec } from './schedule';

describe('open-loop schedule', () => {
  const spec: ScheduleSpec = { rate: 4000, startMs: 1000, total: 20, senders: 3 };

  it('spaces intended times by 1/rate from the start, whatever happened before', () => {
    expect(intendedTimeMs(spec, 0)).toBe(1000);
    expect(intendedTimeMs(spec, 1)).toBe(1000.25);
    expect(intendedTimeMs(spec, 8)).toBe(1002);
    expect(intendedTimeMs({ ...spec, rate: 3 }, 3)).toBe(2000);
  });

  it('counts the messages due at a time, capped at the total', () => {
    expect(dueCount(spec, 999.9)).toBe(0);
    expect(dueCount(spec, 1000)).toBe(1);
    expect(dueCount(spec, 1000.24)).toBe(1);
    expect(dueCount(spec, 1000.25)).toBe(2);
    expect(dueCount(spec, 1002)).toBe(9);
    expect(dueCount(spec, 5000)).toBe(20);
  });

  it('deals messages round-robin to senders, each with its own sequence', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => [senderOf(spec, i), sequenceOf(spec, i)])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [1, 1],
      [2, 1],
      [0, 2],
    ]);
  });

  it('sizes a step by rate and duration', () => {
    expect(messagesFor(5000, 10_000)).toBe(50_000);
    expect(messagesFor(1, 10)).toBe(1);
  });

  it('sends late messages at once, in order, with their intended times (no coordinated omission)', async () => {
    let clock = 1000;
    const sent: Array<[number, number, number]> = [];
    const done = runOpenLoop({
      spec: { rate: 1000, startMs: 1000, total: 5, senders: 1 },
      now: () => clock,
      send: (index, intendedMs, nowMs) => {
        sent.push([index, intendedMs, nowMs]);
        clock += 3; // a slow send: the schedule does not wait for it
      },
    });
    await done;
    expect(sent.map(([index]) => index)).toEqual([0, 1, 2, 3, 4]);
    expect(sent.map(([, intended]) => intended)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(sent[1]![2]).toBe(1003); // message 1 left 2 ms late; it keeps its intended time
  });
});
