/**
 * `linker topology check FILE`: the checks the meta-server makes of its topology file (`readTopologyFile`: the size
 * limit, the YAML limits, every rule), every problem on a line of its own with its path and line.
 */
import { errorMessage } from '@linker/kernel';
import { formatProblems, readTopologyFile, TopologyError, type TopologyProblem } from '@linker/topology';
import { withUsage } from './cli-args';
import { EXIT, fail, output, parseOrSay } from './cli-io';

/** `linker topology check FILE`: 0 valid (warnings printed), 1 invalid or unreadable, 64 bad usage. */
export async function topologyCommand(argv: string[]): Promise<number> {
  const file = parseOrSay(() =>
    withUsage(() => {
      const [action, path, ...rest] = argv;
      if (action !== 'check' || path === undefined || rest.length > 0) throw new Error('give: topology check FILE');
      return path;
    }),
  );
  if (file === undefined) return EXIT.USAGE;
  try {
    const { topology, warnings } = await readTopologyFile(file);
    report(warnings);
    const { domains, domainLinks, clientApps } = topology;
    const counts = [plural(domains.length, 'domain'), plural(domainLinks.length, 'link'), plural(clientApps.length, 'app')];
    output(`${file}: valid (${[...counts, ...warningCount(warnings.length)].join(', ')})`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof TopologyError)) return (fail(errorMessage(error)), EXIT.FAILED);
    report(error.problems);
    const errors = error.problems.filter((problem) => problem.severity === 'error').length;
    output(`${file}: invalid (${[plural(errors, 'error'), ...warningCount(error.problems.length - errors)].join(', ')})`);
    return EXIT.FAILED;
  }
}

/** `error clientApps[0].appId (line 12): is required`, one line each, errors first. */
function report(problems: readonly TopologyProblem[]): void {
  const sorted = [...problems].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  if (sorted.length > 0) output(formatProblems(sorted));
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function warningCount(n: number): string[] {
  return n === 0 ? [] : [plural(n, 'warning')];
}
