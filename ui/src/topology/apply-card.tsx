import type { WriteOutcome } from '../api/meta';

/** The apply card: the admin token and the author, *Apply*, and the outcome of the last write in words. */
export function ApplyCard(props: {
  token: string;
  author: string;
  onToken: (token: string) => void;
  onAuthor: (author: string) => void;
  /** The text was loaded (there is a version to apply it over). */
  loaded: boolean;
  dirty: boolean;
  working: boolean;
  result?: WriteOutcome;
  onApply: () => void;
  onReload: () => void;
}) {
  const { working, dirty, result } = props;
  return (
    <section class="card" aria-label="Apply">
      <h2>Apply</h2>
      <label>
        Admin token <small>(kept in this tab only)</small>
        <input
          data-testid="topo-admin-token"
          type="password"
          value={props.token}
          autocomplete="off"
          onInput={(e) => props.onToken(e.currentTarget.value)}
        />
      </label>
      <label>
        Your name <small>(recorded in the history; default “admin”)</small>
        <input value={props.author} onInput={(e) => props.onAuthor(e.currentTarget.value)} />
      </label>
      <button data-testid="topo-apply" type="button" class="primary" onClick={props.onApply} disabled={working || !props.loaded}>
        {working ? 'Saving…' : dirty ? 'Apply this text' : 'Apply (nothing edited)'}
      </button>
      {result && <WriteResult result={result} onReload={props.onReload} />}
    </section>
  );
}

/** `topo-result`: a stale text offers to reload. */
function WriteResult({ result, onReload }: { result: WriteOutcome; onReload: () => void }) {
  return (
    <p data-testid="topo-result" data-outcome={result.outcome} class={`result result-${result.outcome}`} role="status">
      {result.message}
      {result.outcome === 'stale' && (
        <>
          {' '}
          <button type="button" class="link" onClick={onReload}>
            Reload
          </button>
        </>
      )}
    </p>
  );
}
