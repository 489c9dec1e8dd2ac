import { stringify } from 'yaml';
import type { Logger } from '@linker/observability';
import {
  diffTopology,
  hasErrors,
  parseTopology,
  restoreSecrets,
  type Topology,
  type TopologyDiff,
  type TopologyProblem,
} from '@linker/topology';
import { CheckQueue, type Timed } from './check-queue';
import type { HistoryEntry, TopologyHistory } from './topology-history';
import { writeDurably } from './topology-history';
import type { TopologyRevision, TopologyStore } from './topology-store';
import { NO_META_METER, type MetaServerMeter } from '../health/meta-server-metrics';

/** A submitted YAML checked against the current version: every problem, and what would change when it has none. */
export interface Checked {
  topology?: Topology;
  /** The YAML to keep: the text as given (comments and all), or the topology rendered when secrets were restored. */
  yaml?: string;
  problems: TopologyProblem[];
  /** Against the current version, when there is no error. */
  diff?: TopologyDiff;
  /** The version it would have, when there is no error. */
  version?: string;
  /** Refused by a topology limit before it was checked (too many tokens, nested too deep, …): `problems` says which. */
  refused?: true;
}

export type WriteOutcome =
  | { kind: 'saved'; revision: TopologyRevision; entry: HistoryEntry; changed: boolean; warnings: TopologyProblem[]; diff: TopologyDiff }
  /** `If-Match` is missing or does not name the current version. */
  | { kind: 'stale'; current: string }
  | { kind: 'invalid'; problems: TopologyProblem[] }
  | { kind: 'unknown-version'; version: string };

export interface EditorOptions {
  store: TopologyStore;
  history: TopologyHistory;
  /**
   * The YAML file a saved version is written to; none when the topology was given in memory, or when versions are kept
   * in MongoDB (the newest recorded one is then the current one: the file is only the first).
   */
  file?: string;
  logger: Logger;
  /** Counts each write's outcome. */
  meter?: MetaServerMeter;
}

/**
 * Edits of the topology (docs/protocol.md, Editing): check (dry run), write with an expected version, roll back. Writes are serialized,
 * so the version check and the save are one step; each is recorded in the history before it becomes current.
 */
export class TopologyEditor {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checks = new CheckQueue();

  constructor(private readonly options: EditorOptions) {}

  /** The current version. */
  currentVersion(): string {
    return this.options.store.current().version;
  }

  /** Checks waiting for their turn or running (`validate` and `put` take turns: see `CheckQueue`). */
  get checksQueued(): number {
    return this.checks.length;
  }

  /** `check` in its turn, with how long it held the event loop. */
  validate(text: string): Promise<Timed<Checked>> {
    return this.checks.run(() => this.check(text));
  }

  /** Parse and validate `text` as the next version: secrets left masked are taken from the current version. */
  private check(text: string): Checked {
    const parsed = parseTopology(text);
    if (!parsed.topology) return { problems: parsed.problems, ...(parsed.refused ? { refused: true } : {}) };
    const current = this.options.store.current();
    const restored = restoreSecrets(parsed.topology, current.topology);
    const problems = [...parsed.problems, ...restored.problems];
    if (hasErrors(problems)) return { problems };
    const yaml = restored.kept.length === 0 ? withoutServedHeader(text) : stringify(restored.topology);
    const version = this.options.store.versionOf(restored.topology);
    return { topology: restored.topology, yaml, problems, diff: diffTopology(current.topology, restored.topology), version };
  }

  /** Make `text` the current version if `expected` names the current one (`If-Match`). */
  put(text: string, expected: readonly string[] | undefined, author: string): Promise<WriteOutcome> {
    return this.serialized('edit', async () => {
      const current = this.options.store.current().version;
      if (!expected?.includes(current)) return { kind: 'stale', current };
      const { value: checked } = await this.validate(text);
      if (!checked.topology || checked.yaml === undefined) return { kind: 'invalid', problems: checked.problems };
      return this.save(checked.topology, checked.yaml, checked.problems, author, 'edit');
    });
  }

  /** Make a recorded version current again (a new history entry); `expected`, when given, must name the current one. */
  rollback(version: string, expected: readonly string[] | undefined, author: string): Promise<WriteOutcome> {
    return this.serialized('rollback', async () => {
      const current = this.options.store.current();
      if (expected !== undefined && !expected.includes(current.version)) return { kind: 'stale', current: current.version };
      const yaml = version === current.version ? stringify(current.topology) : await this.options.history.yaml(version);
      if (yaml === undefined) return { kind: 'unknown-version', version };
      const parsed = parseTopology(yaml);
      if (!parsed.topology) return { kind: 'invalid', problems: parsed.problems };
      return this.save(parsed.topology, yaml, parsed.problems, author, 'rollback');
    });
  }

  /** Every recorded version, newest first; the current one first even when it was never written through the API. */
  async history(): Promise<HistoryEntry[]> {
    const entries = await this.options.history.list();
    const current = this.options.store.current();
    return entries[0]?.version === current.version ? entries : [this.loadedEntry(current), ...entries];
  }

  private async save(
    topology: Topology,
    yaml: string,
    warnings: TopologyProblem[],
    author: string,
    kind: HistoryEntry['kind'],
  ): Promise<WriteOutcome> {
    const { store, history, file, logger } = this.options;
    const before = store.current();
    const recorded = await history.list();
    // The version the meta-server started with (or was given) is recorded the first time it is replaced.
    if (recorded[0]?.version !== before.version) await history.append(this.loadedEntry(before), stringify(before.topology));
    const entry: HistoryEntry = { version: store.versionOf(topology), author, time: new Date().toISOString(), kind };
    await history.append(entry, yaml);
    if (file !== undefined) await writeDurably(file, yaml);
    const revision = store.replace(topology);
    logger.info('topology version saved', { version: revision.version, previous: before.version, author, kind, warnings: warnings.length });
    return {
      kind: 'saved',
      revision,
      entry,
      changed: revision.internalVersion !== before.internalVersion,
      warnings,
      diff: diffTopology(before.topology, topology),
    };
  }

  private loadedEntry(revision: TopologyRevision): HistoryEntry {
    return { version: revision.version, author: 'meta-server', time: revision.since, kind: 'loaded' };
  }

  /** One write after the other; each outcome counted. */
  private serialized(operation: 'edit' | 'rollback', task: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    const meter = this.options.meter ?? NO_META_METER;
    run.then(
      (outcome) => meter.edit(operation, outcome.kind),
      () => meter.edit(operation, 'error'),
    );
    return run;
  }
}

/** The first line `GET /topology` adds (it names the version served, which the edit replaces): not kept. */
function withoutServedHeader(text: string): string {
  return text.replace(/^# linker-ts topology, version [0-9a-f]{16}\..*\r?\n/, '');
}
