/*
 * The end of a burst of truncations, for truncation-sweeper.spec.ts: `node --import tsx sweep-after-burst.ts <dir>`.
 * A truncation arrives while a sweep runs (it arms a new timer), the running sweep deletes its records anyway, and
 * the timer then fires with nothing left to sweep. Then a later truncation must still be swept, and `idle()` must
 * resolve. It prints one line per step and exits 0 when both hold, 1 when one does not; a sweeper whose `idle()`
 * spins keeps this process busy forever, and only its parent's deadline ends it.
 */
import { ClassicLevel } from 'classic-level';
import { silentLogger } from '@linker/observability';
import { waitFor } from '@linker/testing';
import { storeKeys } from '../../../src/embedded/store-layout';
import { TruncationSweeper } from '../../../src/embedded/truncation-sweeper';

const TOPIC = 'linker.a.link.b';
const DELAY_MS = 500;
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const db = new ClassicLevel<string, Buffer>(process.argv[2], { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  await db.open();
  const puts = [0, 1, 2].flatMap((p) =>
    Array.from({ length: 10 }, (_, n) => ({ type: 'put' as const, key: storeKeys.record(TOPIC, p, n), value: Buffer.from('v') })),
  );
  await db.batch(puts);
  const onDisk = async (): Promise<number> => (await db.keys(storeKeys.recordsOf(TOPIC)).all()).length;
  const sweeper = new TruncationSweeper(db, silentLogger, DELAY_MS);

  sweeper.truncate(TOPIC, 0, 5);
  const firstSweep = sweeper.idle(true); // the sweep of partition 0 starts now, without its delay
  sweeper.truncate(TOPIC, 1, 5); // during that sweep: arms a new timer, but the running sweep takes partition 1 too
  const timerFired = new Promise((resolve) => setTimeout(resolve, DELAY_MS)); // same delay, set later: fires after it
  await firstSweep;
  say(`the running sweep took the truncation made during it: ${await onDisk()} of 30 records left (20 expected)`);
  await timerFired;
  say('the timer armed during that sweep has fired, with nothing left to sweep');

  sweeper.truncate(TOPIC, 2, 5);
  const swept = await waitFor('the later truncation to be swept', async () => (await onDisk()) === 15, { timeoutMs: 5_000 }).then(
    () => true,
    () => false,
  );
  say(
    swept
      ? 'a later truncation was swept: 15 records left'
      : `a later truncation was NOT swept within 5 s: ${await onDisk()} records left (15 expected)`,
  );

  const before = Date.now();
  await sweeper.idle();
  say(`idle() resolved in ${Date.now() - before} ms`);
  await db.close();
  process.exitCode = swept ? 0 : 1;
}

main().catch((error: unknown) => {
  say(`failed: ${String(error)}`);
  process.exitCode = 1;
});
