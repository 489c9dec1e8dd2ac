/**
 * The package-level half of the import rules (`npm run lint:imports`): reads dependency-cruiser's JSON result on stdin,
 * merges the files of each part of a package into one node (`PATTERN` below: `libs/bus/src`, `libs/bus/test`,
 * `libs/testing/src`, ...) and fails when those nodes form a cycle, naming it with one import for each step.
 * dependency-cruiser's own `no-circular` rule sees file cycles only, and its `--collapse` option does not look for
 * cycles again after merging, so a cycle such as libs/bus/src → libs/testing/src → libs/bus/src (no file in it twice)
 * would pass it.
 * Usage (as `npm run lint:imports` runs it): depcruise --config .dependency-cruiser.cjs --output-type json apps libs
 *   scripts cli bench | tsx scripts/package-cycles.ts
 */
import { readFileSync } from 'node:fs';

/** A part of a package: its production code (`src`) or its tests (`test`). Other files stay nodes of their own. */
export const PATTERN = /^(apps|libs)\/[^/]+\/(src|test)(?=\/)/;

/** What this check reads of a module in dependency-cruiser's JSON result. */
export interface CruisedModule {
  source: string;
  dependencies: { resolved: string; coreModule?: boolean; couldNotResolve?: boolean }[];
}

/** A cycle of package parts: `parts[0]` → `parts[1]` → ... → `parts[0]`, each step with one file import that makes it. */
export interface PackageCycle {
  parts: string[];
  imports: string[];
}

const partOf = (file: string): string => PATTERN.exec(file)?.[0] ?? file;
const isOwnCode = (file: string): boolean => !file.includes('node_modules/');

/** The edges between package parts, each with the first file import that makes it. */
function partEdges(modules: readonly CruisedModule[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const cruised of modules) {
    if (!isOwnCode(cruised.source)) continue;
    const from = partOf(cruised.source);
    for (const dependency of cruised.dependencies) {
      if (dependency.coreModule || dependency.couldNotResolve || !isOwnCode(dependency.resolved)) continue;
      const to = partOf(dependency.resolved);
      if (to === from) continue;
      const targets = edges.get(from) ?? new Map<string, string>();
      if (!targets.has(to)) targets.set(to, `${cruised.source} → ${dependency.resolved}`);
      edges.set(from, targets);
    }
  }
  return edges;
}

/** The shortest path from `start` back to itself, or undefined when there is none. */
function shortestCycle(start: string, edges: Map<string, Map<string, string>>): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i += 1) {
    const part = queue[i];
    for (const next of edges.get(part)?.keys() ?? []) {
      if (next === start) {
        const path = [part];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]) as string);
        return path;
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, part);
      queue.push(next);
    }
  }
  return undefined;
}

/** Every cycle between package parts, one per part that starts one not reported yet (shortest first). */
export function packageCycles(modules: readonly CruisedModule[]): PackageCycle[] {
  const edges = partEdges(modules);
  const reported = new Set<string>();
  const cycles: PackageCycle[] = [];
  for (const start of [...edges.keys()].sort()) {
    if (reported.has(start)) continue;
    const parts = shortestCycle(start, edges);
    if (parts === undefined) continue;
    parts.forEach((part) => reported.add(part));
    const imports = parts.map((part, i) => edges.get(part)?.get(parts[(i + 1) % parts.length]) as string);
    cycles.push({ parts, imports });
  }
  return cycles;
}

export function describeCycle(cycle: PackageCycle): string {
  const ring = [...cycle.parts, cycle.parts[0]].join(' → ');
  return [`  error package-circular: ${ring}`, ...cycle.imports.map((line) => `    ${line}`)].join('\n');
}

if (require.main === module) {
  const result = JSON.parse(readFileSync(0, 'utf8')) as { modules: CruisedModule[] };
  const cycles = packageCycles(result.modules);
  if (cycles.length === 0) {
    console.log('✔ no package-level cycles (package parts: src and test of each app and lib)');
  } else {
    console.error(
      `${cycles.map(describeCycle).join('\n\n')}\n\n✘ ${cycles.length} package-level cycle(s): each step names one import that makes it; remove one step`,
    );
    process.exitCode = 1;
  }
}
