/**
 * `npm run start:real`: one domain in real mode, as separate processes on the real services started by
 * `npm run services:up`: the meta-server (9000), two connectors (8089, 8090) and two processors.
 * Each line of their output is prefixed with the process name. Ctrl-C (or SIGTERM) drains them all; if one of them
 * exits on its own, the others are stopped too and the script exits 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = join(__dirname, '..');
const SERVICES_ENV = join(process.env.LINKER_SERVICES_DIR ?? join(REPO, '.services'), 'services.env');

function servicesEnv(): Record<string, string> {
  if (!existsSync(SERVICES_ENV)) {
    process.stderr.write(`no real services found (${SERVICES_ENV} is missing): run \`npm run services:up\` first\n`);
    process.exit(1);
  }
  const entries = readFileSync(SERVICES_ENV, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1], match[2]] as const);
  return Object.fromEntries(entries);
}

const PROCESSES: Array<{ name: string; app: string; env: Record<string, string> }> = [
  { name: 'meta-server', app: 'meta-server', env: { LINKER_META_PORT: '9000' } },
  { name: 'processor-01', app: 'processor', env: { LINKER_PROCESSOR_NAME: 'processor-01' } },
  { name: 'processor-02', app: 'processor', env: { LINKER_PROCESSOR_NAME: 'processor-02' } },
  { name: 'connector-01', app: 'connector', env: { LINKER_CONNECTOR_NAME: 'connector-01', LINKER_WS_PORT: '8089' } },
  { name: 'connector-02', app: 'connector', env: { LINKER_CONNECTOR_NAME: 'connector-02', LINKER_WS_PORT: '8090' } },
];

function start(name: string, app: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(REPO, 'dist', 'apps', app, 'src', 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  return child;
}

function main(): void {
  if (!existsSync(join(REPO, 'dist', 'apps', 'connector', 'src', 'main.js'))) {
    process.stderr.write('the apps are not built: run `npm run build` first\n');
    process.exit(1);
  }
  const shared = { ...servicesEnv(), LINKER_DOMAIN: 'domain-01', LINKER_META_SERVER_URL: 'http://127.0.0.1:9000' };
  const children = PROCESSES.map(({ name, app, env }) => ({ name, child: start(name, app, { ...shared, ...env }) }));
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping every process…\n');
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    void Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() =>
      process.exit(code),
    );
  };
  for (const { name, child } of children) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`${name} exited on its own (${code ?? signal}); stopping the others\n`);
      stopAll(1);
    });
  }
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  process.stdout.write('domain-01 starting: meta-server :9000, connectors ws://127.0.0.1:8089/ws and :8090/ws, two processors\n');
}

main();
