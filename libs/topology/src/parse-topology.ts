import { isMap, isScalar, isSeq, LineCounter, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { MAX_ALIASES, MAX_TOPOLOGY_BYTES } from './limits';
import { formatPath, hasErrors, type LocatedProblem, type PathSegment, type TopologyProblem, type TopologyResult } from './problems';
import { duplicateKeys, readYaml, type YamlRead } from './read-yaml';
import { checkTopology } from './validate/validate-topology';

export { MAX_ALIASES, MAX_TOPOLOGY_BYTES } from './limits';

/**
 * Parse a YAML topology and check it (see `validateTopology`), reporting every problem at once with its path and,
 * where the parser located it, its line. Every step is linear in the document's length, and the limits (`limits.ts`)
 * refuse what would cost too much before that work is done (`refused` is then set): over 1 MiB, before parsing; more
 * tokens or deeper nesting than allowed, while parsing; more than `MAX_ALIASES` aliases, or aliases that expand too
 * far, before the document is turned into values.
 */
export function parseTopology(text: string): TopologyResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TOPOLOGY_BYTES) return refused(`the document is ${bytes} bytes; the limit is ${MAX_TOPOLOGY_BYTES} (1 MiB)`);
  const lineCounter = new LineCounter();
  const read = readYaml(text, lineCounter);
  if (read.kind === 'refused') return refused(read.message, lineCounter.linePos(read.offset).line);
  const syntax = syntaxProblems(read, lineCounter);
  if (hasErrors(syntax)) return { problems: syntax };
  const aliases = countAliases(read.doc);
  if (aliases > MAX_ALIASES) return refused(`the document uses ${aliases} aliases; at most ${MAX_ALIASES} are allowed`);
  let value: unknown;
  try {
    value = read.doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return refused('the aliases of the document expand too far (an alias bomb?)');
  }
  const checked = checkTopology(value);
  const locator = new Locator(read.doc, lineCounter);
  const problems = [...syntax, ...checked.problems.map((p) => locator.locate(p))];
  return checked.topology ? { topology: checked.topology, problems } : { problems };
}

function refused(message: string, line?: number): TopologyResult {
  return { problems: [refusal(message, line)], refused: true };
}

function refusal(message: string, line?: number): TopologyProblem {
  return { path: '', message, severity: 'error', ...(line === undefined ? {} : { line }) };
}

/** yaml's errors and warnings, the keys that repeat one of their mapping, and a second document. */
function syntaxProblems({ doc, secondDocumentAt }: YamlRead, lineCounter: LineCounter): TopologyProblem[] {
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  const errors = doc.errors.map((e) => refusal(firstLine(e.message), lineOf(e.pos[0])));
  const duplicates = duplicateKeys(doc).map((offset) => refusal('Map keys must be unique', lineOf(offset)));
  const second =
    secondDocumentAt === undefined
      ? []
      : [refusal('the text holds more than one YAML document (---): a topology is one document', lineOf(secondDocumentAt))];
  const warnings = doc.warnings.map((w): TopologyProblem => ({ ...refusal(firstLine(w.message), lineOf(w.pos[0])), severity: 'warning' }));
  return [...errors, ...duplicates, ...second, ...warnings];
}

/** yaml's messages may carry a code excerpt after the first line, or its position: the line number says where. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function countAliases(doc: Document): number {
  let count = 0;
  visit(doc, { Alias: () => void count++ });
  return count;
}

/** Finds the line of each problem's path; each mapping's keys are indexed once, so many problems cost linear time. */
class Locator {
  private readonly keys = new Map<YAMLMap, Map<unknown, Pair>>();

  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  locate(problem: LocatedProblem): TopologyProblem {
    const offset = this.nodeAt(problem.segments)?.range?.[0];
    return {
      path: formatPath(problem.segments),
      message: problem.message,
      severity: problem.severity,
      ...(offset === undefined ? {} : { line: this.lineCounter.linePos(offset).line }),
    };
  }

  /**
   * The YAML node a path points at: for a mapping key, the key itself (so an unknown or misspelt key is shown where
   * it is written); when the path goes further than the document (a missing key), the deepest node that exists.
   */
  private nodeAt(segments: readonly PathSegment[]): Node | undefined {
    let node: unknown = this.doc.contents;
    let found = isScalar(node) || isMap(node) || isSeq(node) ? (node as Node) : undefined;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = this.pairOf(node, segment);
        if (!pair) return found;
        found = (pair.key as Node | null) ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        found = (node as Node | undefined) ?? found;
      } else {
        return found;
      }
    }
    return found;
  }

  /** The first pair of `map` whose key is the scalar `key`. */
  private pairOf(map: YAMLMap, key: PathSegment): Pair | undefined {
    let index = this.keys.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) if (isScalar(pair.key) && !index.has(pair.key.value)) index.set(pair.key.value, pair);
      this.keys.set(map, index);
    }
    return index.get(key);
  }
}
