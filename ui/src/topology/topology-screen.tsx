import { useEffect, useRef, useState } from 'preact/hooks';
import {
  applyTopology,
  fetchHistory,
  fetchTopologyYaml,
  rollbackTopology,
  validateTopology,
  type HistoryEntry,
  type Problem,
  type ValidateAnswer,
  type WriteOutcome,
} from '../api/meta';
import type { UiInfo } from '../api/server';
import { GraphView } from '../graph/graph-view';
import { useObservable } from '../store';
import { DiffView } from './diff-view';
import type { TopologyFeed } from './topology-feed';
import { YamlEditor, type EditorHandle } from './yaml-editor';

/** Wait this long after the last keystroke before asking the meta-server to check the text. */
const VALIDATE_DEBOUNCE_MS = 400;
/** The admin token lives in this tab's sessionStorage only: gone when the tab closes, sent only to the meta-server (writes, checks). */
const TOKEN_KEY = 'linker.adminToken';
const AUTHOR_KEY = 'linker.author';

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'done'; answer: ValidateAnswer } | { state: 'error'; message: string };

const stored = (key: string): string => {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
};
const store = (key: string, value: string): void => {
  try {
    if (value === '') sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // Storage refused (private mode): the value lives in the page only.
  }
};

const when = (iso: string): string => new Date(iso).toLocaleString();

/** The topology editor: the YAML with problems at their lines as you type, the diff, apply, history with rollback, the graph. */
export function TopologyScreen({ info, feed, active }: { info?: UiInfo; feed: TopologyFeed; active: boolean }) {
  useObservable(feed);
  const editor = useRef<EditorHandle>();
  const [base, setBase] = useState<{ yaml: string; version: string } | undefined>(undefined);
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [token, setToken] = useState(() => stored(TOKEN_KEY));
  const [author, setAuthor] = useState(() => stored(AUTHOR_KEY));
  const [result, setResult] = useState<WriteOutcome | undefined>(undefined);
  const [working, setWorking] = useState(false);
  const [history, setHistory] = useState<{ entries: HistoryEntry[]; error?: string }>({ entries: [] });
  const dirty = base !== undefined && text !== base.yaml;

  /** Load the current version into the editor (the person's unsaved edits, if any, are replaced). */
  const load = async () => {
    try {
      const current = await fetchTopologyYaml();
      if (current.version !== base?.version) setCheck({ state: 'checking' }); // the last check was against another version
      setBase(current);
      setText(current.yaml);
      editor.current?.setText(current.yaml);
      setLoadError(undefined);
    } catch (error) {
      setLoadError(`The topology could not be read: ${(error as Error).message}`);
    }
  };
  const loadHistory = () =>
    fetchHistory().then(
      (entries) => setHistory({ entries }),
      (error: Error) => setHistory((h) => ({ ...h, error: `The history could not be read: ${error.message}` })),
    );

  useEffect(() => {
    if (info?.metaServer) void load();
  }, [info?.metaServer]);

  // A version applied elsewhere (or by a rollback): shown at once when the text has no unsaved edit.
  useEffect(() => {
    if (feed.version === undefined || base === undefined) return;
    void loadHistory();
    if (feed.version !== base.version && !dirty) void load();
  }, [feed.version]);

  // Check the text as the person types (debounced; an answer to an older text is dropped).
  useEffect(() => {
    if (base === undefined) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setCheck({ state: 'checking' });
      validateTopology(text, token, controller.signal).then(
        (answer) => setCheck({ state: 'done', answer }),
        (error: Error) => error.name !== 'AbortError' && setCheck({ state: 'error', message: `The text could not be checked: ${error.message}` }),
      );
    }, VALIDATE_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, base?.version]);

  const write = async (run: () => Promise<WriteOutcome>) => {
    setWorking(true);
    try {
      const outcome = await run();
      setResult(outcome);
      if (outcome.outcome === 'invalid') setCheck({ state: 'done', answer: { valid: false, currentVersion: base?.version ?? '', problems: outcome.problems } });
      return outcome;
    } catch (error) {
      const outcome: WriteOutcome = { outcome: 'failed', message: `Not saved: ${(error as Error).message}` };
      setResult(outcome);
      return outcome;
    } finally {
      setWorking(false);
    }
  };
  const apply = async () => {
    if (!base) return;
    const outcome = await write(() => applyTopology(text, base.version, token, author));
    if (outcome.outcome === 'saved') {
      // The text as written is now that version (comments included): it stays in the editor, checked again.
      setCheck({ state: 'checking' });
      setBase({ yaml: text, version: outcome.version });
      void loadHistory();
    }
  };
  const rollback = async (version: string) => {
    const outcome = await write(() => rollbackTopology(version, token, author));
    if (outcome.outcome === 'saved') {
      void loadHistory();
      if (!dirty) void load();
    }
  };

  if (info !== undefined && !info.metaServer) {
    return (
      <div class="topology">
        <section class="card">
          <h2>No meta-server</h2>
          <p>This web UI was started without a meta-server, so the topology cannot be read or edited here. Start it with one (embedded mode serves one unless told `--no-meta-server`).</p>
        </section>
      </div>
    );
  }

  const answer = check.state === 'done' ? check.answer : undefined;
  const problems: Problem[] = answer?.problems ?? [];
  const errors = problems.filter((p) => p.severity === 'error').length;
  const newer = feed.version !== undefined && base !== undefined && feed.version !== base.version && dirty;

  return (
    <div class="topology">
      <section class="card editor-card" aria-label="Topology YAML">
        <header class="editor-head">
          <h2>Topology</h2>
          <span data-testid="topo-version" data-version={base?.version ?? ''} class="version">
            {base ? (
              <>
                current version <code>{base.version}</code>
              </>
            ) : (
              'loading…'
            )}
          </span>
          <span class={`watch watch-${feed.watch}`} title="GET /topology/watch: versions applied elsewhere show up here">
            {feed.watch === 'live' ? 'following new versions' : feed.watch === 'connecting' ? 'reconnecting to the version feed…' : 'not following'}
          </span>
          <button type="button" onClick={() => void load()} disabled={working} title="Load the current version into the editor (unsaved edits are replaced)">
            Reload
          </button>
        </header>
        {loadError && <p class="error-text">{loadError}</p>}
        {newer && (
          <p class="banner">
            Version <code>{feed.version}</code> was applied meanwhile. Your text is based on <code>{base?.version}</code>: applying it would be refused as stale.{' '}
            <button type="button" class="link" onClick={() => void load()}>
              Load version {feed.version}
            </button>{' '}
            (your unsaved edits are replaced).
          </p>
        )}
        <YamlEditor onChange={setText} problems={problems} handle={(handle) => (editor.current = handle)} />
        <div class="check" aria-live="polite">
          {check.state === 'checking' && <p class="hint">Checking…</p>}
          {check.state === 'error' && <p class="error-text">{check.message}</p>}
          {answer?.valid && (
            <p data-testid="topo-valid" data-version={answer.version ?? ''} class="valid">
              ✓ Valid.{' '}
              {answer.version === answer.currentVersion ? (
                <>
                  It is the current version (<code>{answer.version}</code>).
                </>
              ) : (
                <>
                  Applying it makes version <code>{answer.version}</code>.
                </>
              )}
              {problems.length > 0 && ` ${problems.length} warning${problems.length === 1 ? '' : 's'} below.`}
            </p>
          )}
          {answer && !answer.valid && (
            <p class="invalid">
              ✗ {errors} problem{errors === 1 ? '' : 's'}: it cannot be applied as it is.
            </p>
          )}
          <ul data-testid="topo-problems" class="problems" aria-label="Problems">
            {problems.map((problem, i) => (
              <li key={i} data-testid="topo-problem" data-line={problem.line === undefined ? '' : String(problem.line)} data-path={problem.path} class={`problem ${problem.severity}`}>
                <button type="button" class="link" onClick={() => problem.line !== undefined && editor.current?.goToLine(problem.line)} disabled={problem.line === undefined}>
                  {problem.line === undefined ? 'document' : `line ${problem.line}`}
                </button>{' '}
                <span class="severity">{problem.severity}</span> <code>{problem.path || '(document)'}</code>: {problem.message}
              </li>
            ))}
          </ul>
          {answer?.valid && answer.diff && <DiffView diff={answer.diff} from={answer.currentVersion} />}
        </div>
      </section>
      <aside class="column topo-side">
        <section class="card" aria-label="Apply">
          <h2>Apply</h2>
          <label>
            Admin token <small>(kept in this tab only)</small>
            <input
              data-testid="topo-admin-token"
              type="password"
              value={token}
              autocomplete="off"
              onInput={(e) => {
                setToken(e.currentTarget.value);
                store(TOKEN_KEY, e.currentTarget.value);
              }}
            />
          </label>
          <label>
            Your name <small>(recorded in the history; default “admin”)</small>
            <input
              value={author}
              onInput={(e) => {
                setAuthor(e.currentTarget.value);
                store(AUTHOR_KEY, e.currentTarget.value);
              }}
            />
          </label>
          <button data-testid="topo-apply" type="button" class="primary" onClick={() => void apply()} disabled={working || base === undefined}>
            {working ? 'Saving…' : dirty ? 'Apply this text' : 'Apply (nothing edited)'}
          </button>
          {result && (
            <p data-testid="topo-result" data-outcome={result.outcome} class={`result result-${result.outcome}`} role="status">
              {result.message}
              {result.outcome === 'stale' && (
                <>
                  {' '}
                  <button type="button" class="link" onClick={() => void load()}>
                    Reload
                  </button>
                </>
              )}
            </p>
          )}
        </section>
        <section class="card" aria-label="History">
          <h2>History</h2>
          {history.error && <p class="error-text">{history.error}</p>}
          {history.entries.length === 0 && !history.error && <p class="hint">No version recorded yet: the first edit records the version the meta-server started with.</p>}
          <ol data-testid="topo-history" class="history">
            {history.entries.map((entry, i) => (
              <li key={`${entry.version}-${entry.time}-${i}`} data-testid="topo-history-entry" data-version={entry.version} class={entry.version === base?.version ? 'current' : ''}>
                <div>
                  <code>{entry.version}</code> {entry.version === base?.version && i === 0 && <strong class="badge">current</strong>}
                  <br />
                  <small>
                    {entry.kind} by {entry.author}, {when(entry.time)}
                  </small>
                </div>
                <button data-testid="topo-rollback" type="button" onClick={() => void rollback(entry.version)} disabled={working} title={`Make version ${entry.version} current again`}>
                  Roll back to this
                </button>
              </li>
            ))}
          </ol>
        </section>
      </aside>
      <GraphView doc={feed.doc} version={feed.version} ownDomain={info?.domain} active={active} />
    </div>
  );
}
