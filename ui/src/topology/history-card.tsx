import type { HistoryEntry } from '../api/meta';
import type { TopologyHistory } from './use-topology-writes';

const when = (iso: string): string => new Date(iso).toLocaleString();

/** `topo-history`: every version recorded, newest first, each with *Roll back to this*. */
export function HistoryCard({
  history,
  current,
  working,
  onRollback,
}: {
  history: TopologyHistory;
  current?: string;
  working: boolean;
  onRollback: (version: string) => void;
}) {
  return (
    <section class="card" aria-label="History">
      <h2>History</h2>
      {history.error && <p class="error-text">{history.error}</p>}
      {history.entries.length === 0 && !history.error && (
        <p class="hint">No version recorded yet: the first edit records the version the meta-server started with.</p>
      )}
      <ol data-testid="topo-history" class="history">
        {history.entries.map((entry, i) => (
          <HistoryItem
            key={`${entry.version}-${entry.time}-${i}`}
            entry={entry}
            current={entry.version === current}
            newest={i === 0}
            working={working}
            onRollback={onRollback}
          />
        ))}
      </ol>
    </section>
  );
}

function HistoryItem({
  entry,
  current,
  newest,
  working,
  onRollback,
}: {
  entry: HistoryEntry;
  current: boolean;
  newest: boolean;
  working: boolean;
  onRollback: (version: string) => void;
}) {
  return (
    <li data-testid="topo-history-entry" data-version={entry.version} class={current ? 'current' : ''}>
      <div>
        <code>{entry.version}</code> {current && newest && <strong class="badge">current</strong>}
        <br />
        <small>
          {entry.kind} by {entry.author}, {when(entry.time)}
        </small>
      </div>
      <button
        data-testid="topo-rollback"
        type="button"
        onClick={() => onRollback(entry.version)}
        disabled={working}
        title={`Make version ${entry.version} current again`}
      >
        Roll back to this
      </button>
    </li>
  );
}
