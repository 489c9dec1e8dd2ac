import { useState } from 'preact/hooks';
import { applyTopology, fetchHistory, rollbackTopology, type HistoryEntry, type WriteOutcome } from '../api/meta';
import { settleWrite } from './topology-draft';
import type { TopologyDraft } from './use-topology-draft';

export interface TopologyHistory {
  entries: HistoryEntry[];
  error?: string;
}

/** The versions recorded so far, read again by `reload()`; a failed read keeps the list it had and says why. */
export function useTopologyHistory(): { history: TopologyHistory; reload: () => Promise<void> } {
  const [history, setHistory] = useState<TopologyHistory>({ entries: [] });
  const reload = () =>
    fetchHistory().then(
      (entries) => setHistory({ entries }),
      (error: Error) => setHistory((h) => ({ ...h, error: `The history could not be read: ${error.message}` })),
    );
  return { history, reload };
}

export interface TopologyWrites {
  /** The outcome of the last write, in words. */
  result?: WriteOutcome;
  /** A write is under way. */
  working: boolean;
  apply: () => Promise<void>;
  rollback: (version: string) => Promise<void>;
}

/** Apply the text, or roll back to a version, as `author` with the admin `token`. */
export function useTopologyWrites(
  topology: TopologyDraft,
  credentials: { token: string; author: string },
  reloadHistory: () => Promise<void>,
): TopologyWrites {
  const { draft, dispatch, dirty, load } = topology;
  const { token, author } = credentials;
  const [result, setResult] = useState<WriteOutcome | undefined>(undefined);
  const [working, setWorking] = useState(false);
  const write = async (run: () => Promise<WriteOutcome>) => {
    setWorking(true);
    const outcome = await settleWrite(run);
    setResult(outcome);
    if (outcome.outcome === 'invalid') dispatch({ type: 'refused-invalid', problems: outcome.problems });
    setWorking(false);
    return outcome;
  };
  const apply = async () => {
    const { base, text } = draft;
    if (!base) return;
    const outcome = await write(() => applyTopology(text, base.version, token, author));
    if (outcome.outcome !== 'saved') return;
    dispatch({ type: 'applied', base: { yaml: text, version: outcome.version } });
    void reloadHistory();
  };
  const rollback = async (version: string) => {
    const outcome = await write(() => rollbackTopology(version, token, author));
    if (outcome.outcome !== 'saved') return;
    void reloadHistory();
    if (!dirty) void load();
  };
  return { result, working, apply, rollback };
}
