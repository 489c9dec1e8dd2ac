import { LinkerError } from '@linker/kernel';
import type { Topology } from './topology';

/** `error`: the document is refused. `warning`: it loads, but something is probably not what the author meant. */
export type ProblemSeverity = 'error' | 'warning';

/** One thing wrong with a topology document, found where `path` points. */
export interface TopologyProblem {
  /** Where in the document, e.g. `clientApps[1].userDistributions[0].to`; `''` is the document itself. */
  path: string;
  message: string;
  severity: ProblemSeverity;
  /** 1-based line of the node in the YAML text, when the problem came from YAML the parser could locate. */
  line?: number;
}

/** A topology, or the reasons there is none. `topology` is set exactly when no problem is an error. */
export interface TopologyResult {
  topology?: Topology;
  problems: TopologyProblem[];
  /**
   * Set when the document was refused by a limit before it was checked (too long, too many tokens, nested too deep,
   * too many aliases): its one problem names the limit. A server answers that like an oversized body, not like a
   * document it checked.
   */
  refused?: true;
}

/** One step of a path: a mapping key or a list index. */
export type PathSegment = string | number;

/** A problem before its path is rendered (the YAML parser needs the segments to find the line). */
export interface LocatedProblem {
  segments: readonly PathSegment[];
  message: string;
  severity: ProblemSeverity;
}

/** Collects problems while a document is checked: every rule reports here and checking goes on. */
export class ProblemList {
  readonly items: LocatedProblem[] = [];

  error(segments: readonly PathSegment[], message: string): void {
    this.items.push({ segments, message, severity: 'error' });
  }

  warning(segments: readonly PathSegment[], message: string): void {
    this.items.push({ segments, message, severity: 'warning' });
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

/** `['clientApps', 1, 'userDistributions', 0, 'to']` → `clientApps[1].userDistributions[0].to`. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((path, s) => (typeof s === 'number' ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}

/** Whether any of `problems` is an error (warnings alone do not refuse a document). */
export function hasErrors(problems: readonly TopologyProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** One line per problem, for logs and start-up failures: `error clientApps[0].appId (line 12): is required`. */
export function formatProblems(problems: readonly TopologyProblem[]): string {
  return problems
    .map((p) => `${p.severity} ${p.path || '(document)'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`)
    .join('\n');
}

/** Why a topology could not be had (the `code` of the `LinkerError` the topology lib throws). */
export type TopologyErrorCode =
  /** The document breaks the rules (`TopologyError`, with every problem); not retriable. */
  | 'INVALID_TOPOLOGY'
  /** The topology file cannot be read (missing, unreadable, over 1 MiB); not retriable. */
  | 'TOPOLOGY_FILE_UNREADABLE'
  /** The meta-server URL given is not a URL; not retriable. */
  | 'INVALID_META_SERVER_URL'
  /** One request to the meta-server failed (not reachable, or not answered 200/304); retriable. */
  | 'META_SERVER_UNAVAILABLE'
  /** At start, neither the meta-server nor the cache file gave a topology; retriable. */
  | 'TOPOLOGY_UNAVAILABLE';

/** A topology that cannot be used; `problems` lists every reason at once. */
export class TopologyError extends LinkerError<TopologyErrorCode> {
  constructor(
    summary: string,
    readonly problems: readonly TopologyProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      'INVALID_TOPOLOGY',
      `${summary} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n  - ${formatProblems(errors).split('\n').join('\n  - ')}`,
    );
  }
}
