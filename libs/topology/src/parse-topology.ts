import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { formatPath, type LocatedProblem, type PathSegment, type TopologyProblem, type TopologyResult } from './problems';
import { checkTopology } from './validate/validate-topology';

/** Largest topology document accepted, in bytes of UTF-8 (SPEC §4.2). */
export const MAX_TOPOLOGY_BYTES = 1024 * 1024;
/** Most aliases (`*name`) a document may use: enough for sharing a few settings, far too few for an alias bomb. */
export const MAX_ALIASES = 32;

/**
 * Parse a YAML topology and check it (see `validateTopology`), reporting every problem at once with its path and,
 * where the parser located it, its line. A document over 1 MiB is refused before parsing; a document with more than
 * `MAX_ALIASES` aliases, or whose aliases expand too far, is refused before it is turned into values.
 */
export function parseTopology(text: string): TopologyResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TOPOLOGY_BYTES) {
    return { problems: [refusal(`the document is ${bytes} bytes; the limit is ${MAX_TOPOLOGY_BYTES} (1 MiB)`)] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntax = syntaxProblems(doc);
  if (syntax.some((p) => p.severity === 'error')) return { problems: syntax };
  const aliases = countAliases(doc);
  if (aliases > MAX_ALIASES) {
    return { problems: [refusal(`the document uses ${aliases} aliases; at most ${MAX_ALIASES} are allowed`)] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return { problems: [refusal('the aliases of the document expand too far (an alias bomb?)')] };
  }
  const checked = checkTopology(value);
  const problems = [...syntax, ...checked.problems.map((p) => locate(p, doc, lineCounter))];
  return checked.topology ? { topology: checked.topology, problems } : { problems };
}

function refusal(message: string, line?: number): TopologyProblem {
  return { path: '', message, severity: 'error', ...(line === undefined ? {} : { line }) };
}

function syntaxProblems(doc: Document): TopologyProblem[] {
  const errors = doc.errors.map((e) =>
    refusal(e.code === 'MULTIPLE_DOCS' ? 'the text holds more than one YAML document (---): a topology is one document' : firstLine(e.message), e.linePos?.[0].line),
  );
  const warnings = doc.warnings.map((w): TopologyProblem => ({ ...refusal(firstLine(w.message), w.linePos?.[0].line), severity: 'warning' }));
  return [...errors, ...warnings];
}

/** yaml's pretty messages append a code excerpt after the first line; the line number says where. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function countAliases(doc: Document): number {
  let count = 0;
  visit(doc, { Alias: () => void count++ });
  return count;
}

function locate(problem: LocatedProblem, doc: Document, lineCounter: LineCounter): TopologyProblem {
  const node = nodeAt(doc, problem.segments);
  const offset = node?.range?.[0];
  return {
    path: formatPath(problem.segments),
    message: problem.message,
    severity: problem.severity,
    ...(offset === undefined ? {} : { line: lineCounter.linePos(offset).line }),
  };
}

/**
 * The YAML node a path points at: for a mapping key, the key itself (so an unknown or misspelt key is shown where it
 * is written); when the path goes further than the document (a missing key), the deepest node that exists.
 */
function nodeAt(doc: Document, segments: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = isScalar(node) || isMap(node) || isSeq(node) ? (node as Node) : undefined;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
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
