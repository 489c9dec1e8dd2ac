import { RecordingLogger } from '@linker/testing';
import { LaneBacklog } from '../../src/ingress/lane-backlog';

describe('LaneBacklog', () => {
  it('refuses a lane at its limit until half of what waits was accepted, logging each episode once', () => {
    const logger = new RecordingLogger();
    const backlog = new LaneBacklog(4, logger);
    for (let i = 0; i < 4; i++) {
      expect(backlog.refuses('RELIABLE')).toBe(false);
      backlog.add('RELIABLE');
    }
    expect(backlog.refuses('RELIABLE')).toBe(true);
    expect(backlog.refuses('RELIABLE')).toBe(true);
    expect(backlog.refuses('FAST')).toBe(false); // the other lane is not backed up
    backlog.settled.RELIABLE();
    expect(backlog.refuses('RELIABLE')).toBe(true); // 3 wait: more than half the limit
    backlog.settled.RELIABLE();
    expect(backlog.refuses('RELIABLE')).toBe(false); // 2 wait
    expect(backlog.size).toBe(2);
    expect(logger.count('warn', 'connector overloaded')).toBe(1);
    expect(logger.count('info', 'connector overload over')).toBe(1);
    expect(logger.find('connector overloaded')[0].fields).toMatchObject({ lane: 'RELIABLE', pending: 4 });
  });
});
