import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'preact/hooks';
import type { Problem } from '../api/meta';

/** What the topology screen can do to the editor. */
export interface EditorHandle {
  /** Replace the whole text (a version loaded); does not count as the person's edit. */
  setText(text: string): void;
  /** Put the cursor on a 1-based line and show it. */
  goToLine(line: number): void;
}

/**
 * CodeMirror 6 with YAML highlighting and the meta-server's problems as lint diagnostics at their lines (the
 * validation itself runs on the server, through `POST /topology/validate`, as the person types).
 */
export function YamlEditor({
  onChange,
  problems,
  handle,
}: {
  onChange: (text: string) => void;
  problems: readonly Problem[];
  handle: (editor: EditorHandle) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const change = useRef(onChange);
  change.current = onChange;
  const loading = useRef(false);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      doc: '',
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'Topology YAML' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !loading.current) change.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    handle({
      setText(text) {
        loading.current = true;
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
        loading.current = false;
      },
      goToLine(line) {
        const doc = editor.state.doc;
        const at = doc.line(Math.min(Math.max(1, line), doc.lines));
        editor.dispatch({ selection: { anchor: at.from }, effects: EditorView.scrollIntoView(at.from, { y: 'center' }) });
        editor.focus();
      },
    });
    return () => editor.destroy();
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    const diagnostics: Diagnostic[] = problems.map((problem) => {
      // A problem the parser could not place goes on the first line; the text may have changed since it was checked.
      const line = doc.line(Math.min(Math.max(1, problem.line ?? 1), doc.lines));
      return {
        from: line.from,
        to: line.to,
        severity: problem.severity,
        message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
      };
    });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [problems]);

  return <div data-testid="topo-editor" class="editor" ref={host} />;
}
