import { killStarted, overdueText, startProcess, STOP_GRACE_MS, takeOverdueStops, type ServerProcess } from './processes';

/** A Node process that prints `ready` once its SIGTERM handler (`onTerm`, JS source) is in place. */
function node(name: string, onTerm: string, drainDeadlineMs: number): ServerProcess {
  const script = `process.on('SIGTERM', () => { ${onTerm} }); setInterval(() => undefined, 1000); console.log('ready');`;
  return startProcess(name, process.execPath, ['-e', script], { PATH: process.env.PATH ?? '' }, { drainDeadlineMs });
}

describe('stopping a process the bench started', () => {
  afterEach(() => {
    killStarted();
    takeOverdueStops();
  });

  it('records nothing when the process exits within its drain deadline', async () => {
    const prompt = node('prompt', 'process.exit(0);', 5_000);
    await prompt.waitForOutput(/ready/, 10_000);
    await prompt.stop();
    expect(takeOverdueStops()).toEqual([]);
  });

  it('records a process that exits on its own but later than its drain deadline', async () => {
    const slow = node('slow', 'setTimeout(() => process.exit(0), 600);', 100);
    await slow.waitForOutput(/ready/, 10_000);
    await slow.stop();
    const [late, ...more] = takeOverdueStops();
    expect(more).toEqual([]);
    expect(late).toMatchObject({ name: 'slow', pid: slow.pid, deadlineMs: 100, killed: false });
    expect(late!.tookMs).toBeGreaterThanOrEqual(500);
    expect(overdueText(late!)).toMatch(/^slow \(pid \d+\) took \d+\.\d s to exit after SIGTERM; its drain deadline is 0\.1 s$/);
  });

  it('kills a process that ignores SIGTERM past its deadline, and says so', async () => {
    const stubborn = node('stubborn', '/* ignored */', 200);
    await stubborn.waitForOutput(/ready/, 10_000);
    await stubborn.stop();
    expect(stubborn.child.signalCode).toBe('SIGKILL');
    const [late] = takeOverdueStops();
    expect(late).toMatchObject({ name: 'stubborn', pid: stubborn.pid, deadlineMs: 200, killed: true });
    expect(late!.tookMs).toBeGreaterThanOrEqual(200 + STOP_GRACE_MS);
    expect(overdueText(late!)).toMatch(
      /^stubborn \(pid \d+\) was still running \d+\.\d s after SIGTERM and was killed \(SIGKILL\); its drain deadline is 0\.2 s$/,
    );
    expect(takeOverdueStops()).toEqual([]);
  }, 15_000);
});
