import { MessageLedger } from './ledger';

describe('MessageLedger', () => {
  it('counts each lane and finds nothing wrong when every message was accepted and shown once', () => {
    const ledger = new MessageLedger();
    ledger.sent('r1', 'RELIABLE');
    ledger.sent('f1', 'FAST');
    for (const token of ['r1', 'f1']) {
      ledger.accepted(token);
      ledger.shown(token);
      ledger.confirmed(token);
    }
    expect(ledger.violations()).toEqual([]);
    expect(ledger.report().RELIABLE).toMatchObject({ sent: 1, accepted: 1, delivered: 1, lost: 0, unanswered: 0 });
    expect(ledger.undelivered()).toEqual([]);
  });

  it('reports an accepted RELIABLE message never shown as lost, and a FAST one only as counted', () => {
    const ledger = new MessageLedger();
    ledger.sent('r1', 'RELIABLE');
    ledger.sent('f1', 'FAST');
    ledger.accepted('r1');
    ledger.accepted('f1');
    expect(ledger.undelivered()).toEqual(['r1']);
    expect(ledger.report().FAST.lost).toBe(1);
    expect(ledger.violations()).toEqual(['1 accepted RELIABLE messages lost (e.g. r1)']);
  });

  it('counts refusals by code; a refused message that is not shown is not lost', () => {
    const ledger = new MessageLedger();
    ledger.sent('r1', 'RELIABLE');
    ledger.refused('r1', 'UNAVAILABLE');
    expect(ledger.report().RELIABLE).toMatchObject({ refused: 1, lost: 0, refusals: { UNAVAILABLE: 1 } });
    expect(ledger.violations()).toEqual([]);
  });

  it('finds silent refusals, duplicates shown, confirmations without delivery and events for messages never sent', () => {
    const ledger = new MessageLedger();
    for (const token of ['silent', 'twice', 'phantom']) ledger.sent(token, 'RELIABLE');
    ledger.accepted('twice');
    ledger.shown('twice');
    ledger.shown('twice');
    ledger.accepted('phantom');
    ledger.confirmed('phantom');
    ledger.shown('unknown');
    expect(ledger.violations()).toEqual([
      '1 accepted RELIABLE messages lost (e.g. phantom)',
      '1 RELIABLE frames neither accepted nor refused',
      '1 RELIABLE messages shown to an application twice',
      '1 RELIABLE messages confirmed but never delivered',
      '1 events for messages never sent (e.g. message of unknown)',
    ]);
    expect(() => ledger.sent('twice', 'FAST')).toThrow(/sent twice/);
  });

  it('counts the RELIABLE messages sent after a mark that were shown', () => {
    const ledger = new MessageLedger();
    ledger.sent('before', 'RELIABLE');
    ledger.shown('before');
    const mark = ledger.mark();
    for (const token of ['after-1', 'after-2']) ledger.sent(token, 'RELIABLE');
    ledger.sent('fast', 'FAST');
    ledger.shown('after-2');
    ledger.shown('fast');
    expect(ledger.shownSince(mark)).toBe(1);
  });

  it('measures from sending to the first showing, per lane: median, 99th percentile, worst', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const ledger = new MessageLedger();
      for (let i = 1; i <= 100; i++) ledger.sent(`r${i}`, 'RELIABLE');
      ledger.sent('f', 'FAST');
      for (let i = 1; i <= 100; i++) {
        jest.setSystemTime(i);
        ledger.shown(`r${i}`);
      }
      ledger.shown('r1'); // a second showing does not change the latency
      expect(ledger.latency('RELIABLE')).toEqual({ p50Ms: 51, p99Ms: 100, maxMs: 100 });
      expect(ledger.latency('FAST')).toEqual({ p50Ms: 0, p99Ms: 0, maxMs: 0 });
    } finally {
      jest.useRealTimers();
    }
  });
});
