import { useEffect, useReducer, useRef, type Dispatch } from 'preact/hooks';
import { fetchTopologyYaml, validateTopology } from '../api/meta';
import { EMPTY_DRAFT, isDirty, nextDraft, type Draft, type DraftEvent } from './topology-draft';
import type { EditorHandle } from './yaml-editor';

/** Wait this long after the last keystroke before asking the meta-server to check the text. */
const VALIDATE_DEBOUNCE_MS = 400;

export interface TopologyDraft {
  draft: Draft;
  dispatch: Dispatch<DraftEvent>;
  dirty: boolean;
  /** The CodeMirror editor, once it is mounted. */
  editor: { current?: EditorHandle };
  /** Load the current version into the editor (the person's unsaved edits, if any, are replaced). */
  load: () => Promise<void>;
}

/** The text in the editor and the version it is based on, loaded as soon as the page knows it has a meta-server. */
export function useTopologyDraft(metaServer: boolean | undefined): TopologyDraft {
  const editor = useRef<EditorHandle>();
  const [draft, dispatch] = useReducer(nextDraft, EMPTY_DRAFT);
  const load = async () => {
    try {
      const current = await fetchTopologyYaml();
      dispatch({ type: 'loaded', current });
      editor.current?.setText(current.yaml);
    } catch (error) {
      dispatch({ type: 'load-failed', message: `The topology could not be read: ${(error as Error).message}` });
    }
  };
  useEffect(() => {
    if (metaServer) void load();
  }, [metaServer]);
  return { draft, dispatch, dirty: isDirty(draft), editor, load };
}

/**
 * A version applied elsewhere (or by a rollback): the history is read again, and the text follows when it has no
 * unsaved edit. Also once the editor first loaded: the feed's first version usually comes before that, and the history
 * would otherwise stay empty until the next version.
 */
export function useFollowVersions(
  followed: string | undefined,
  { draft, dirty, load }: TopologyDraft,
  reloadHistory: () => Promise<void>,
): void {
  const loaded = draft.base !== undefined;
  useEffect(() => {
    if (followed === undefined || draft.base === undefined) return;
    void reloadHistory();
    if (followed !== draft.base.version && !dirty) void load();
  }, [followed, loaded]);
}

/** Check the text as the person types (debounced; an answer to an older text is dropped). */
export function useTopologyCheck({ draft, dispatch }: TopologyDraft, token: string): void {
  const { text, base } = draft;
  useEffect(() => {
    if (base === undefined) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      dispatch({ type: 'checking' });
      validateTopology(text, token, controller.signal).then(
        (answer) => dispatch({ type: 'checked', answer }),
        (error: Error) =>
          error.name !== 'AbortError' && dispatch({ type: 'check-failed', message: `The text could not be checked: ${error.message}` }),
      );
    }, VALIDATE_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, base?.version]);
}
