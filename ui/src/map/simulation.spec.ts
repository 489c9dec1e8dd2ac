import type { ChannelSession } from '../chat/channel-session';
import { Simulation } from './simulation';
import { simCount, WorkerWalk } from './worker-walk';

describe('simulated workers', () => {
  afterEach(() => jest.useRealTimers());

  it('walks each worker a small step at a time, named sim-1…sim-N', () => {
    const walk = new WorkerWalk(3);
    const first = walk.step();
    const second = walk.step();
    expect(first.map((p) => p.worker)).toEqual(['sim-1', 'sim-2', 'sim-3']);
    for (let i = 0; i < 3; i++) {
      const moved = Math.hypot(second[i].lat - first[i].lat, second[i].lon - first[i].lon);
      expect(moved).toBeGreaterThan(0.0003);
      expect(moved).toBeLessThan(0.0005);
    }
  });

  it('keeps the count typed within the limit', () => {
    expect(simCount('7')).toBe(7);
    expect(simCount('0')).toBe(1);
    expect(simCount('500')).toBe(20);
    expect(simCount('lots')).toBe(5);
    expect(simCount('')).toBe(5);
  });

  it('publishes every worker’s position each period until stopped, and stops by itself when it cannot publish', () => {
    jest.useFakeTimers();
    const published: Array<{ channel: string; data: unknown; lane: string }> = [];
    let connected = true;
    const channels = {
      publishData(channel: string, data: unknown, lane: string) {
        if (!connected) throw new Error('not connected (closed)');
        published.push({ channel, data, lane });
        return `r${published.length}`;
      },
    } as unknown as ChannelSession;
    const simulation = new Simulation(channels);
    simulation.start('ANZ:team-1', 2, 500);
    expect(published).toHaveLength(2);
    jest.advanceTimersByTime(1000);
    expect(published).toHaveLength(6);
    expect(published[5]).toMatchObject({ channel: 'ANZ:team-1', lane: 'FAST', data: { worker: 'sim-2' } });
    expect(simulation).toMatchObject({ running: true, sent: 6 });

    connected = false;
    jest.advanceTimersByTime(500);
    expect(simulation).toMatchObject({ running: false, stopped: 'Stopped: not connected (closed).' });
    jest.advanceTimersByTime(2000);
    expect(published).toHaveLength(6);
  });
});
