import { open, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** One recorded version: who made it current, when, and how. */
export interface HistoryEntry {
  version: string;
  author: string;
  /** ISO 8601. */
  time: string;
  /** `loaded`: the version the meta-server started with; `edit`: a PUT; `rollback`: made current again by a rollback. */
  kind: 'loaded' | 'edit' | 'rollback';
}

/**
 * The port the meta-server keeps its versions through (ADR 0010). Each entry is a moment a version became current;
 * the same version may appear more than once (a rollback to it). The YAML of each version is kept with its secrets:
 * the store is as private as the topology file. Adapters: `FileTopologyHistory` (file and embedded mode),
 * `MemoryTopologyHistory` (a topology given in memory) and `MongoTopologyHistory` (real mode). One contract suite
 * (`test/topology/testing/topology-history.contract.ts`) runs against the three.
 */
export interface TopologyHistory {
  /** Every entry, newest first. */
  list(): Promise<HistoryEntry[]>;
  /** The YAML of a recorded version, or undefined. */
  yaml(version: string): Promise<string | undefined>;
  /** Record `entry`, keeping `yaml` as its content; durable when it resolves. */
  append(entry: HistoryEntry, yaml: string): Promise<void>;
}

/** In this process only: for a topology given in memory (tests, a composition with no file). */
export class MemoryTopologyHistory implements TopologyHistory {
  private readonly entries: HistoryEntry[] = [];
  private readonly texts = new Map<string, string>();

  async list(): Promise<HistoryEntry[]> {
    return [...this.entries].reverse();
  }

  async yaml(version: string): Promise<string | undefined> {
    return this.texts.get(version);
  }

  async append(entry: HistoryEntry, yaml: string): Promise<void> {
    this.texts.set(entry.version, yaml);
    this.entries.push({ ...entry });
  }
}

const VERSION = /^[0-9a-f]{16}$/;

/**
 * `<directory>/<version>.yaml` (written to a temporary file, synced, renamed) and `<directory>/index.jsonl`, one
 * entry per line, appended and synced. Files are created readable by their owner only (they hold secrets). A torn
 * last line (a crash while appending) is skipped when read.
 */
export class FileTopologyHistory implements TopologyHistory {
  constructor(readonly directory: string) {}

  async list(): Promise<HistoryEntry[]> {
    let text: string;
    try {
      text = await readFile(this.indexFile(), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries = text.split('\n').flatMap((line) => {
      try {
        const entry = JSON.parse(line) as HistoryEntry;
        return typeof entry.version === 'string' && VERSION.test(entry.version) ? [entry] : [];
      } catch {
        return [];
      }
    });
    return entries.reverse();
  }

  async yaml(version: string): Promise<string | undefined> {
    if (!VERSION.test(version)) return undefined;
    try {
      return await readFile(join(this.directory, `${version}.yaml`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async append(entry: HistoryEntry, yaml: string): Promise<void> {
    if (!VERSION.test(entry.version)) throw new Error(`not a topology version: ${entry.version}`);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await writeDurably(join(this.directory, `${entry.version}.yaml`), yaml);
    const index = await open(this.indexFile(), 'a', 0o600);
    try {
      await index.write(`${JSON.stringify(entry)}\n`);
      await index.datasync();
    } finally {
      await index.close();
    }
  }

  private indexFile(): string {
    return join(this.directory, 'index.jsonl');
  }
}

/** Write `text` to `path` so that a crash leaves the old file or the new one, never half of one. */
export async function writeDurably(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
