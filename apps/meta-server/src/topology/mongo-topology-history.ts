import { MongoClient, type Collection, type WriteConcernSettings } from 'mongodb';
import { LinkerError, errorMessage } from '@linker/kernel';
import type { HistoryEntry, TopologyHistory } from './topology-history';
import type { MetaServerErrorCode } from '../errors';

/** A write resolves once a majority has it in its journal (FerretDB: once its SQLite transaction has committed). */
const MAJORITY_JOURNALED: WriteConcernSettings = { w: 'majority', journal: true };

export const ENTRIES = 'topology_history';
export const VERSIONS = 'topology_versions';

/** One moment a version became current; `seq` (1, 2, …) orders them, also when two have the same `time`. */
interface EntryDocument extends HistoryEntry {
  seq: number;
}

/** The YAML of a version, stored once per version (like `<version>.yaml` of the file history): the latest write wins. */
interface VersionDocument {
  _id: string;
  yaml: string;
}

/** A connection string (the history owns its client) or a client its caller owns (left open by `close`). */
export type MongoTopologyHistoryOptions = ({ url: string } | { client: MongoClient }) & {
  /** The database of this meta-server's history (each test its own). */
  database: string;
};

/**
 * The history of real mode (ADR 0010): collection `topology_history`, one document per entry with a unique ascending
 * `seq`, and `topology_versions`, the YAML of each version keyed by version. The YAML is kept apart so that a version
 * made current again by a rollback is not stored twice, and `list` reads only the small entries. It is written before
 * its entry, so a listed entry always has its YAML. Writes are majority and journaled: durable when `append` resolves.
 * Failures reject with a retriable `TOPOLOGY_HISTORY_UNAVAILABLE`.
 */
export class MongoTopologyHistory implements TopologyHistory {
  private constructor(
    private readonly client: MongoClient,
    private readonly ownsClient: boolean,
    private readonly entries: Collection<EntryDocument>,
    private readonly versions: Collection<VersionDocument>,
  ) {}

  /** Connects and creates the index of `seq` (idempotent). Rejects with `TOPOLOGY_HISTORY_UNAVAILABLE`. */
  static async open(options: MongoTopologyHistoryOptions): Promise<MongoTopologyHistory> {
    const ownsClient = 'url' in options;
    const client = 'url' in options ? new MongoClient(options.url) : options.client;
    const db = client.db(options.database);
    const history = new MongoTopologyHistory(
      client,
      ownsClient,
      db.collection<EntryDocument>(ENTRIES, { writeConcern: MAJORITY_JOURNALED }),
      db.collection<VersionDocument>(VERSIONS, { writeConcern: MAJORITY_JOURNALED }),
    );
    try {
      // The unique index orders the entries and refuses an entry whose `seq` a second writer took meanwhile (a retry
      // of the edit then takes the next one). One index per call: FerretDB 1.24 drops the connection when a
      // createIndexes that names several finds them all there already.
      await history.guard('open', () => history.entries.createIndex({ seq: 1 }, { name: 'seq_order', unique: true }));
    } catch (error) {
      if (ownsClient) await client.close().catch(() => undefined);
      throw error;
    }
    return history;
  }

  async list(): Promise<HistoryEntry[]> {
    const documents = await this.guard('list', () => this.entries.find({}).sort({ seq: -1 }).toArray());
    return documents.map(({ version, author, time, kind }) => ({ version, author, time, kind }));
  }

  async yaml(version: string): Promise<string | undefined> {
    const document = await this.guard('yaml', () => this.versions.findOne({ _id: version }));
    return document?.yaml;
  }

  async append(entry: HistoryEntry, yaml: string): Promise<void> {
    const { version, author, time, kind } = entry;
    await this.guard('append', async () => {
      await this.versions.replaceOne({ _id: version }, { yaml }, { upsert: true });
      const newest = await this.entries.findOne({}, { sort: { seq: -1 }, projection: { seq: 1 } });
      await this.entries.insertOne({ seq: (newest?.seq ?? 0) + 1, version, author, time, kind });
    });
  }

  /** A MongoDB `ping` (readiness). */
  async probe(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  /** Closes the client if this history opened it. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  private async guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new LinkerError<MetaServerErrorCode>(
        'TOPOLOGY_HISTORY_UNAVAILABLE',
        `topology history ${operation} failed: ${errorMessage(error)}`,
        { retriable: true, cause: error },
      );
    }
  }
}
