import { formatPath, ProblemList, type LocatedProblem, type TopologyResult } from '../problems';
import type { Topology } from '../topology';
import { readClientApps } from './client-apps';
import { domainGraph } from './domain-graph';
import { readDomains, readLinks } from './domains';
import { asMapping, checkKeys, type Mapping } from './fields';

const ROOT_KEYS = ['domains', 'domainLinks', 'clientApps'];
/** Settings of the original's Spring Boot meta-server that its YAML files carry at the root (its README). */
const SPRING_KEYS = ['spring', 'server'];

/** The result of checking, with problems still located by path segments (the YAML parser turns them into lines). */
export interface CheckedTopology {
  topology?: Topology;
  problems: LocatedProblem[];
}

/** Check a document's value against every rule; see `validateTopology`. */
export function checkTopology(value: unknown): CheckedTopology {
  const problems = new ProblemList();
  if (value === undefined || value === null) {
    problems.error([], 'the document is empty: it must be a mapping with domains, domainLinks and clientApps');
    return { problems: problems.items };
  }
  const root = asMapping(value, [], problems);
  if (!root) return { problems: problems.items };
  checkRootKeys(root);
  const { domains, knows } = readDomains(root);
  const domainLinks = readLinks(root, knows);
  const clientApps = readClientApps(root, domainGraph(domains, domainLinks, knows, !problems.hasErrors));
  return problems.hasErrors ? { problems: problems.items } : { topology: { domains, domainLinks, clientApps }, problems: problems.items };
}

function checkRootKeys(root: Mapping): void {
  for (const key of SPRING_KEYS) {
    if (Object.hasOwn(root.value, key))
      root.problems.warning([key], "ignored: a setting of the original's Spring meta-server (the port is LINKER_META_PORT)");
  }
  checkKeys(root, ROOT_KEYS, SPRING_KEYS);
}

/**
 * Check an already-parsed topology (from YAML or JSON) against every rule (docs/protocol.md, Validation) and report every problem at
 * once, each with its path. Returns the normalized topology (missing `domainLinks`/`clientApps` become `[]`) when no
 * problem is an error. Messages never repeat a secret's value.
 */
export function validateTopology(value: unknown): TopologyResult {
  const checked = checkTopology(value);
  const problems = checked.problems.map((p) => ({ path: formatPath(p.segments), message: p.message, severity: p.severity }));
  return checked.topology ? { topology: checked.topology, problems } : { problems };
}
