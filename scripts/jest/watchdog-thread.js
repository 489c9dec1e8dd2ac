// The watchdog reporter's clock (see watchdog-reporter.js), in a thread of jest's process: it keeps time however busy
// jest's main thread is, writes straight to stderr (fd 2) and kills processes itself.
const { spawnSync } = require('node:child_process');
const { writeSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');

const { limitS, limitVariable, jestPid } = workerData;
/** Test files running now: path → when it started (ms). */
const running = new Map();

parentPort.on('message', ({ type, file, at }) => (type === 'start' ? running.set(file, at) : running.delete(file)));

const say = (line) => {
  try {
    writeSync(2, `\nwatchdog: ${line}\n`);
  } catch {
    // stderr is gone: the exit status still says it
  }
};

/** Every process below `root` (pid), from one `ps` listing. */
function descendants(root) {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  if (ps.status !== 0) say(`could not list processes (ps: ${ps.error?.message ?? ps.stderr}); what jest started may outlive it`);
  const children = new Map();
  for (const line of (ps.stdout ?? '').trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid !== ps.pid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found = [];
  for (let queue = [root]; queue.length > 0;) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const signal = (pid, name) => {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
};

/** Kill every process below jest: stopped first (SIGSTOP), looking again until none is new, so none escapes by forking. */
function killJestTree() {
  const stopped = new Set();
  for (let round = 0; round < 10; round++) {
    const fresh = descendants(jestPid).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP');
      stopped.add(pid);
    }
  }
  for (const pid of stopped) signal(pid, 'SIGKILL');
  return stopped.size;
}

setInterval(
  () => {
    const now = Date.now();
    const hung = [...running].filter(([, at]) => now - at > limitS * 1000);
    if (hung.length === 0) return;
    for (const [file, at] of hung)
      say(`${file} has run for ${((now - at) / 1000).toFixed(1)} s, over the limit of ${limitS} s per test file (${limitVariable})`);
    const others = [...running.keys()].filter((file) => !hung.some(([h]) => h === file));
    if (others.length > 0) say(`also still running: ${others.join(', ')}`);
    const killed = killJestTree();
    say(
      `stopped the run: killed the jest workers and what they started (${killed} process${killed === 1 ? '' : 'es'}), now jest itself (SIGKILL, exit status 137)`,
    );
    signal(process.pid, 'SIGKILL');
  },
  Math.min(1_000, limitS * 100),
);
