import { SequenceAccounting } from './accounting';
import { StepRecorder } from './recorder';
import { encodePayload } from './payload';

describe('loss and duplicate accounting', () => {
  it('counts sent, received, lost, duplicated and reordered messages per sender', () => {
    const accounting = new SequenceAccounting(2);
    for (let seq = 0; seq < 5; seq++) accounting.noteSent(0, seq);
    for (let seq = 0; seq < 3; seq++) accounting.noteSent(1, seq);
    expect(accounting.noteReceived(0, 0)).toBe('first');
    expect(accounting.noteReceived(0, 2)).toBe('first');
    expect(accounting.noteReceived(0, 1)).toBe('first'); // after 2: reordered
    expect(accounting.noteReceived(0, 2)).toBe('duplicate');
    expect(accounting.noteReceived(1, 0)).toBe('first');
    expect(accounting.noteReceived(1, 0)).toBe('duplicate');
    expect(accounting.noteReceived(1, 7)).toBe('unexpected');
    expect(accounting.noteReceived(5, 0)).toBe('unexpected');
    expect(accounting.counts()).toEqual({ sent: 8, received: 4, lost: 4, duplicates: 2, reordered: 1, unexpected: 2 });
  });

  it('keeps track of large sequence numbers', () => {
    const accounting = new SequenceAccounting(1);
    for (let seq = 0; seq < 10_000; seq++) accounting.noteSent(0, seq);
    for (let seq = 9_999; seq >= 0; seq -= 2) accounting.noteReceived(0, seq);
    expect(accounting.counts()).toMatchObject({ sent: 10_000, received: 5_000, lost: 5_000, duplicates: 0, reordered: 4_999 });
  });
});

describe('step recorder', () => {
  const content = (step: number, sender: number, seq: number, intendedUs: number, sentUs = intendedUs) =>
    encodePayload({ step, sender, seq, intendedUs, sentUs }, 1024);

  it('records latency from the intended time, only inside the measured window, and ignores other steps', () => {
    const recorder = new StepRecorder(3, 1, { fromUs: 1_000_000, toUs: 2_000_000 });
    recorder.noteSent(0, 0, 500_000, 500_000); // warm-up
    recorder.noteSent(0, 1, 1_000_000, 1_000_400);
    recorder.noteSent(0, 2, 1_500_000, 1_500_000);
    recorder.noteReceived(content(3, 0, 0, 500_000), 900_000);
    recorder.noteReceived(content(3, 0, 1, 1_000_000, 1_000_400), 1_002_000);
    recorder.noteReceived(content(3, 0, 1, 1_000_000, 1_000_400), 1_003_000); // duplicate
    recorder.noteReceived(content(2, 0, 2, 1_500_000), 1_600_000); // a late one from step 2
    recorder.noteReceived('not a bench message', 1_600_000);
    const result = recorder.result(1000, 2, []);
    expect(result.latency.count).toBe(1);
    expect(result.latency.p50).toBeCloseTo(2, 2);
    expect(result.service.p50).toBeCloseTo(1.6, 2);
    expect(result.sendLag.max).toBeCloseTo(0.4, 2);
    expect(result.delivery).toMatchObject({ sent: 3, received: 2, lost: 1, duplicates: 1 });
    expect(recorder.stale).toBe(1);
    expect(result.sentRate).toBe(2);
    expect(result.achievedRate).toBe(1);
    expect(recorder.complete).toBe(false);
  });
});
