import { randomBytes } from 'node:crypto';

/**
 * The bounded history of a channel in one domain (docs/protocol.md, Channels): the RELIABLE publications this
 * domain handled for a channel whose rule keeps a history, each with an offset, under an epoch. A subscriber that
 * comes back with the epoch and the last offset it saw gets what it missed, if the history still holds all of it.
 * Adapters: `RedisChannelHistory` (real mode, shared by the domain's connectors and processors) and
 * `MemoryChannelHistory` (embedded mode). Both pass the same contract suite.
 *
 * Guarantees:
 * - offsets of one epoch are 1, 2, 3, … in the order of `append`; an epoch is a new random text whenever the history
 *   may have lost or missed something: it was never kept, it expired (`ttlSeconds` without an append), the store lost
 *   it, or a publication from another domain came after a gap in that domain's numbering (this domain missed some);
 * - `append` is idempotent by publication id (within `ttlSeconds`): a retry gets the same offset, nothing twice;
 * - at most `size` entries are kept, none older than `ttlSeconds`;
 * - `since` says `recovered: true` only when it returns every entry after the given offset of the current epoch.
 */
export interface ChannelHistory {
  /** The current position (creating the epoch if the channel has none yet), for a subscriber starting now. */
  position(channel: string, limits: HistoryLimits): Promise<HistoryPosition>;
  append(request: AppendRequest): Promise<Appended>;
  /** What came after `from` in the current epoch, and whether that is everything (same epoch, nothing dropped since). */
  since(channel: string, from: HistoryPosition, limits: HistoryLimits): Promise<HistorySince>;
  close(): Promise<void>;
}

export interface HistoryLimits {
  size: number;
  ttlSeconds: number;
}

export interface HistoryPosition {
  epoch: string;
  offset: number;
}

/** Where a publication entered the federation, and its number among that domain's publications to the channel. */
export interface PublicationOrigin {
  domain: string;
  seq: number;
}

export interface AppendRequest extends HistoryLimits {
  channel: string;
  /** The publication's id: a repeat of one already appended gets its first answer. */
  id: string;
  /** Absent: it entered the federation here; this history numbers it (`Appended.origin`). */
  origin?: PublicationOrigin;
  /** This domain's name (the origin of what enters here). */
  domain: string;
  /** What a recovering subscriber gets back: the PUBLICATION's data without its offset. */
  entry: HistoryEntryData;
  /** Now, epoch ms. */
  now: number;
}

export interface HistoryEntryData {
  data: unknown;
  from?: string;
}

export interface Appended extends HistoryPosition {
  origin: PublicationOrigin;
}

export interface HistoryEntry extends HistoryEntryData {
  offset: number;
}

export interface HistorySince {
  /** The current epoch and its last offset. */
  position: HistoryPosition;
  recovered: boolean;
  /** Entries after `from.offset`, in order (empty when not recovered). */
  entries: HistoryEntry[];
}

/** A new epoch: random, so that one never comes back after a loss. */
export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** A kept entry with when it was appended (epoch ms). */
export interface DatedEntry extends HistoryEntry {
  at: number;
}

/**
 * What `since` answers, the same for every adapter: nothing recovered when `from` is of another epoch or ahead of the
 * position; else the entries after `from.offset` that are younger than `ttlSeconds`, recovered only when they start
 * right after it (or nothing came since).
 */
export function recoveryFrom(
  position: HistoryPosition,
  from: HistoryPosition,
  kept: readonly DatedEntry[],
  { ttlSeconds }: HistoryLimits,
  now: number,
): HistorySince {
  if (from.epoch !== position.epoch || from.offset > position.offset) return { position, recovered: false, entries: [] };
  const oldest = now - ttlSeconds * 1000;
  const entries = kept.filter((e) => e.offset > from.offset && e.at >= oldest).map(({ at: _at, ...entry }) => entry);
  const recovered = from.offset === position.offset || entries[0]?.offset === from.offset + 1;
  return { position, recovered, entries: recovered ? entries : [] };
}
