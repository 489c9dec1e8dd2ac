/**
 * `npm run start:real`: one domain in real mode, as separate processes on the real services started by
 * `npm run services:up`: the meta-server (9000, its topology history in MongoDB), two connectors (8089, 8090) and two
 * processors.
 * `npm run start:real -- --topology FILE`: a federation: the meta-server serving FILE, and per domain one connector
 * (port of `domains[].urls[0]`) and one processor holding the link endpoint (`urls[1]`), linked with the
 * `LINKER_LINK_SECRET` of the environment (required when the topology has links).
 * Each line of their output is prefixed with the process name. Ctrl-C (or SIGTERM) drains them all; if one of them
 * exits on its own, the others are stopped too and the script exits 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { errorMessage } from '@linker/kernel';
import { readTopologyFile } from '@linker/topology';
import { federationPlan, oneDomainPlan, type PlannedProcess } from './start-real-plan';

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

const USAGE = `usage: npm run start:real [-- --topology FILE]
  without --topology: domain-01 of the default topology: the meta-server (9000, web UI on 4400), two processors, two connectors (8089, 8090)
  --topology FILE: the meta-server (9000) serving FILE, and per domain one connector (port of domains[].urls[0]) and one
                   processor holding the link endpoint (urls[1]); links need LINKER_LINK_SECRET in the environment
`;

/**
 * The processes to start, the line announcing them and the services' environment, from the command line; exits on a
 * usage or topology problem, or when the services are not running.
 */
async function plan(args: string[]): Promise<{ processes: PlannedProcess[]; banner: string; services: Record<string, string> }> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const at = args.indexOf('--topology');
  const unknown = args.filter((arg, i) => arg !== '--topology' && i !== at + 1);
  if (unknown.length > 0 || (at >= 0 && (args[at + 1] === undefined || args[at + 1].startsWith('--')))) {
    process.stderr.write(`${unknown.length > 0 ? `unknown arguments: ${unknown.join(' ')}` : '--topology needs a FILE'}\n${USAGE}`);
    process.exit(2);
  }
  const services = servicesEnv();
  // The meta-server keeps its topology history on the services' MongoDB-wire server, like the processors' mailboxes.
  const mongodbUrl = services.LINKER_MONGODB_URL;
  if (at < 0) {
    return {
      services,
      processes: oneDomainPlan(mongodbUrl),
      banner:
        'domain-01 starting: meta-server :9000, web UI http://127.0.0.1:4400, connectors ws://127.0.0.1:8089/ws and :8090/ws, two processors',
    };
  }
  try {
    const { path, topology } = await readTopologyFile(args[at + 1]);
    const processes = federationPlan(path, topology, process.env.LINKER_LINK_SECRET, mongodbUrl);
    const domains = topology.domains.map(
      (domain) => `  ${domain.name}: clients ${domain.urls[0]}/ws, link endpoint ${domain.urls[1] ?? '(none)'}`,
    );
    return {
      services,
      processes,
      banner: `federation of ${path} starting: meta-server :9000, web UI http://127.0.0.1:4400\n${domains.join('\n')}`,
    };
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exit(1);
  }
}

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

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist', 'apps', 'connector', 'src', 'main.js'))) {
    process.stderr.write('the apps are not built: run `npm run build` first\n');
    process.exit(1);
  }
  const { processes, banner, services } = await plan(process.argv.slice(2));
  const children = processes.map(({ name, app, env }) => ({ name, child: start(name, app, { ...services, ...env }) }));
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
  process.stdout.write(`${banner}\n`);
}

void main();
