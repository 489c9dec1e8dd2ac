import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldProbeLines, parseProbeLines, PROBE_FILE_ENV, PROBE_PATH, type ProbeLine } from './loop-stats';

const line = (from: number, loop: Partial<ProbeLine['loop']>, gc: ProbeLine['gc'] = {}): ProbeLine => ({
  pid: 7,
  from,
  to: from + 1000,
  loop: { p50: 0, p99: 0, max: 0, samples: 98, ...loop },
  gc,
});

describe('folding probe lines over a window', () => {
  const lines = [
    line(0, { p50: 9, p99: 90, max: 99 }),
    line(1000, { p50: 0.1, p99: 2, max: 3 }, { minor: { count: 2, totalMs: 1.5, maxMs: 1 } }),
    line(2000, { p50: 0.3, p99: 7, max: 12 }, { minor: { count: 1, totalMs: 0.5, maxMs: 0.5 }, major: { count: 1, totalMs: 8, maxMs: 8 } }),
    line(3000, { p50: 0.2, p99: 1, max: 4, samples: 0 }),
    line(4000, { p50: 0.2, p99: 3, max: 5 }),
    line(5000, { p50: 5, p99: 60, max: 70 }),
  ];

  it('keeps the seconds whose middle lies in the window: median p50, worst p99 and max, GC pauses summed', () => {
    expect(foldProbeLines('embedded', lines, { fromMs: 1000, toMs: 5000 })).toEqual({
      name: 'embedded',
      seconds: 4,
      delayP50Ms: 0.2,
      delayP99Ms: 7,
      delayMaxMs: 12,
      gc: { count: 4, totalMs: 10, maxMs: 8 },
      gcByKind: { minor: { count: 3, totalMs: 2, maxMs: 1 }, major: { count: 1, totalMs: 8, maxMs: 8 } },
    });
  });

  it('is undefined when no second lies in the window', () => {
    expect(foldProbeLines('embedded', lines, { fromMs: 9000, toMs: 12_000 })).toBeUndefined();
  });

  it('skips lines that do not parse (one being written) and foreign ones', () => {
    const text = `${JSON.stringify(lines[1])}\nnot json\n{"pid":1}\n\n${JSON.stringify(lines[2]).slice(0, 20)}`;
    expect(parseProbeLines(text)).toEqual([lines[1]]);
  });
});

describe('the probe preloaded into a Node process', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'loop-probe-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Run `script` with the probe preloaded; resolves with its stdout once it exits (20 s deadline). */
  function run(script: string, file: string): Promise<string> {
    const child = spawn(process.execPath, ['--require', PROBE_PATH, '-e', script], {
      env: { PATH: process.env.PATH, [PROBE_FILE_ENV]: file },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the probed process did not exit within 20 s'));
      }, 20_000);
      child.once('exit', (code) => {
        clearTimeout(deadline);
        if (code === 0) resolve(out);
        else reject(new Error(`the probed process exited ${code}`));
      });
    });
  }

  it('writes a line a second with the loop delay and GC pauses, and handles no signal but SIGUSR2', async () => {
    const file = join(dir, 'probe.jsonl');
    const script = [
      "const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'].map((s) => process.listenerCount(s));",
      'setTimeout(() => { const until = Date.now() + 150; while (Date.now() < until); }, 300);', // block the loop 150 ms
      'setTimeout(() => { global.gc ? gc() : Array.from({ length: 2e5 }, (_, i) => ({ i })); console.log(JSON.stringify(signals)); }, 2300);',
    ].join('\n');
    expect(JSON.parse(await run(script, file))).toEqual([0, 0, 0, 1]);
    const lines = parseProbeLines(readFileSync(file, 'utf8'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...lines.map((l) => l.loop.max))).toBeGreaterThanOrEqual(100);
    expect(lines.every((l) => l.to > l.from && l.loop.samples >= 0)).toBe(true);
  }, 25_000);

  it('runs a full garbage collection on SIGUSR2 (the process goes on)', async () => {
    const script = [
      'let garbage = Array.from({ length: 3e5 }, (_, i) => ({ i, s: `x${i}` }));',
      'garbage = null;',
      'const before = process.memoryUsage().heapUsed;',
      "process.kill(process.pid, 'SIGUSR2');",
      'setTimeout(() => console.log(JSON.stringify({ before, after: process.memoryUsage().heapUsed })), 100);',
    ].join('\n');
    const { before, after } = JSON.parse(await run(script, join(dir, 'probe.jsonl'))) as { before: number; after: number };
    expect(after).toBeLessThan(before / 2);
  }, 25_000);

  it('does not keep the process alive, and stays quiet without a file to write to', async () => {
    const started = Date.now();
    await run('setTimeout(() => undefined, 50);', join(dir, 'probe.jsonl'));
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(run('setTimeout(() => undefined, 50);', join(dir, 'missing-dir', 'probe.jsonl'))).resolves.toBe('');
  }, 25_000);
});
