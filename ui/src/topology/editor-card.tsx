import type { TopologyFeed } from './topology-feed';
import { CheckPanel } from './check-panel';
import { checkFindings, isOvertaken, type BaseVersion, type Draft } from './topology-draft';
import { YamlEditor, type EditorHandle } from './yaml-editor';

const WATCH_WORDS = { live: 'following new versions', connecting: 'reconnecting to the version feed…', off: 'not following' } as const;

/** The YAML card: the version the text is based on, the version feed, the editor, and the check of the text as the person types. */
export function EditorCard(props: {
  draft: Draft;
  /** The newest version the version feed announced. */
  followed?: string;
  watch: TopologyFeed['watch'];
  working: boolean;
  onReload: () => void;
  onEdit: (text: string) => void;
  editor: { current?: EditorHandle };
}) {
  const { draft, followed, editor } = props;
  const { problems } = checkFindings(draft.check);
  return (
    <section class="card editor-card" aria-label="Topology YAML">
      <EditorHead base={draft.base} watch={props.watch} working={props.working} onReload={props.onReload} />
      {draft.loadError && <p class="error-text">{draft.loadError}</p>}
      {isOvertaken(draft, followed) && <OvertakenBanner followed={followed} base={draft.base?.version} onLoad={props.onReload} />}
      <YamlEditor onChange={props.onEdit} problems={problems} handle={(handle) => (editor.current = handle)} />
      <CheckPanel check={draft.check} onGoToLine={(line) => editor.current?.goToLine(line)} />
    </section>
  );
}

function EditorHead({
  base,
  watch,
  working,
  onReload,
}: {
  base?: BaseVersion;
  watch: TopologyFeed['watch'];
  working: boolean;
  onReload: () => void;
}) {
  return (
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
      <span class={`watch watch-${watch}`} title="GET /topology/watch: versions applied elsewhere show up here">
        {WATCH_WORDS[watch]}
      </span>
      <button
        type="button"
        onClick={onReload}
        disabled={working}
        title="Load the current version into the editor (unsaved edits are replaced)"
      >
        Reload
      </button>
    </header>
  );
}

/** A version was applied elsewhere while the text has unsaved edits. */
function OvertakenBanner({ followed, base, onLoad }: { followed?: string; base?: string; onLoad: () => void }) {
  return (
    <p class="banner">
      Version <code>{followed}</code> was applied meanwhile. Your text is based on <code>{base}</code>: applying it would be refused as
      stale.{' '}
      <button type="button" class="link" onClick={onLoad}>
        Load version {followed}
      </button>{' '}
      (your unsaved edits are replaced).
    </p>
  );
}
