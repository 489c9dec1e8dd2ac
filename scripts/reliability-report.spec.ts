import type { AbuseCaseResult, FaultCaseResult, LaneCounts } from '@linker/testing';
import { reliabilityReport } from './reliability-report';

const counts = (fields: Partial<LaneCounts>): LaneCounts => ({
  sent: 0,
  accepted: 0,
  refused: 0,
  unanswered: 0,
  delivered: 0,
  lost: 0,
  duplicatesShown: 0,
  confirmedWithoutDelivery: 0,
  refusals: {},
  ...fields,
});

describe('reliabilityReport', () => {
  it('gives one row per case with the counts, the refusals by code, the recovery and the verdict', () => {
    const kept: FaultCaseResult = {
      name: 'Kafka killed',
      injected: 'kill -9 of Kafka',
      load: 'pairs',
      report: {
        RELIABLE: counts({ sent: 10, accepted: 6, refused: 4, delivered: 6, refusals: { UNAVAILABLE: 4 } }),
        FAST: counts({ sent: 3, delivered: 3 }),
      },
      recoveryMs: 5_910,
      disconnects: { 4005: 2 },
      violations: [],
    };
    const broken: FaultCaseResult = {
      ...kept,
      name: 'broken',
      report: { ...kept.report, RELIABLE: counts({ sent: 1, accepted: 1, lost: 1 }) },
      violations: ['1 accepted RELIABLE messages lost (e.g. r.1)'],
    };
    const text = reliabilityReport([kept, broken], [], new Date('2026-12-06T10:00:00Z'));
    expect(text).toContain('Generated 2026-12-06T10:00:00.000Z');
    expect(text).toContain(
      '| Kafka killed | kill -9 of Kafka | 10 / 6 / 4 (4 UNAVAILABLE) / 6 / 0 / 0 | 3 / 3 / 0 | 5.9 s | 2 × 4005 | kept |',
    );
    expect(text).toContain(
      '| broken | kill -9 of Kafka | 1 / 1 / 0 / 0 / 1 / 0 | 3 / 3 / 0 | 5.9 s | 2 × 4005 | **broken**: 1 accepted RELIABLE messages lost (e.g. r.1) |',
    );
  });

  it('gives one row per abuse case with the answer, what the well-behaved pair sent and lost, and its latency', () => {
    const abuse: AbuseCaseResult = {
      name: 'fuzzing',
      abuse: 'random frames',
      answer: 'an error or a documented close',
      pair: { sent: 400, accepted: 400, refusals: {}, lost: 0, latency: { p50Ms: 3, p99Ms: 21, maxMs: 40 } },
      disconnects: {},
      violations: [],
    };
    const text = reliabilityReport(
      [],
      [abuse, { ...abuse, name: 'lossy', pair: { ...abuse.pair, lost: 2 }, violations: ['2 lost'] }],
      new Date(),
    );
    expect(text).toContain('| fuzzing | random frames | an error or a documented close | 400 / 0 | 3 / 21 / 40 ms | none | kept |');
    expect(text).toContain(
      '| lossy | random frames | an error or a documented close | 400 / 2 | 3 / 21 / 40 ms | none | **broken**: 2 lost |',
    );
  });
});
