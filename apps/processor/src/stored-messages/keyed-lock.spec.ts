import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('runs tasks of one key one at a time in order, other keys alongside, and survives a failing task', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = lock.run('u1', async () => {
      log.push('u1:first:start');
      await gate;
      log.push('u1:first:end');
      throw new Error('first failed');
    });
    const second = lock.run('u1', async () => void log.push('u1:second'));
    const other = lock.run('u2', async () => void log.push('u2'));
    await other;
    expect(log).toEqual(['u1:first:start', 'u2']);
    release();
    await expect(first).rejects.toThrow('first failed');
    await second;
    expect(log).toEqual(['u1:first:start', 'u2', 'u1:first:end', 'u1:second']);
    await Promise.resolve();
    expect(lock.size).toBe(0);
  });
});
