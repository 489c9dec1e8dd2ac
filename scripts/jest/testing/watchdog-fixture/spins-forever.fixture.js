// Hangs the way a sweeper's idle() once did: awaits a settled promise in a loop, so no timer of its process ever runs
// again (jest's test timeout included). It first starts `sleep` in a process group of its own and writes its pid to
// $WATCHDOG_FIXTURE_PID_FILE: the watchdog must kill what the test started too.
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');

test('spins in microtasks forever', async () => {
  const sleeper = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  writeFileSync(process.env.WATCHDOG_FIXTURE_PID_FILE, String(sleeper.pid));
  const settled = Promise.resolve();
  for (;;) await settled;
});
