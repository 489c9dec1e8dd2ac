import type { BusErrorCode } from '@linker/bus';
import type { ConfigErrorCode } from '@linker/config';
import { LinkerError } from '@linker/kernel';
import { RecordingLogger } from '@linker/testing';
import { untilReachable } from '../src/until-reachable';

const down = (): LinkerError => new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'connection refused', { retriable: true });

describe('untilReachable', () => {
  it('tries again while the failure is retriable, says once that it waits, and reports the wait when it ends', async () => {
    const logger = new RecordingLogger();
    let tries = 0;
    const opened = await untilReachable('Kafka', async () => (++tries < 4 ? Promise.reject(down()) : 'client'), {
      logger,
      timeoutMs: 10_000,
      retryMs: 1,
    });
    expect(opened).toBe('client');
    expect(tries).toBe(4);
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'waiting for Kafka'],
      ['info', 'Kafka reachable'],
    ]);
    expect(logger.lines[0].fields).toMatchObject({ reason: 'connection refused', giveUpAfterMs: 10_000 });
  });

  it('rejects at once on a failure that is not retriable, and with STARTUP_TIMEOUT past the deadline', async () => {
    const logger = new RecordingLogger();
    const bad = new LinkerError<ConfigErrorCode>('INVALID_CONFIG', 'no', { retriable: false });
    await expect(untilReachable('x', () => Promise.reject(bad), { logger, timeoutMs: 10_000 })).rejects.toBe(bad);
    await expect(
      untilReachable('the meta-server', () => Promise.reject(down()), { logger, timeoutMs: 50, retryMs: 10 }),
    ).rejects.toMatchObject({
      code: 'STARTUP_TIMEOUT',
      message: expect.stringContaining('the meta-server did not answer within 50 ms: connection refused'),
    });
    await expect(untilReachable('a bug', () => Promise.reject(new TypeError('oops')), { logger, timeoutMs: 10_000 })).rejects.toThrow(
      'oops',
    );
  });
});
