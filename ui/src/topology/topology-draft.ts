import type { Problem, ValidateAnswer, WriteOutcome } from '../api/meta';

/** The editor's text, the version it is based on and what the meta-server said of it: the state and its steps. Pure, no DOM. */

/** The last check of the text: under way, answered, or failed (the meta-server could not be asked). */
export type Check =
  { state: 'idle' } | { state: 'checking' } | { state: 'done'; answer: ValidateAnswer } | { state: 'error'; message: string };

/** A version of the topology as YAML: the one the text was loaded from, or last applied as. */
export interface BaseVersion {
  yaml: string;
  version: string;
}

export interface Draft {
  /** Undefined until the first load. */
  base?: BaseVersion;
  text: string;
  loadError?: string;
  check: Check;
}

export type DraftEvent =
  | { type: 'loaded'; current: BaseVersion }
  | { type: 'load-failed'; message: string }
  | { type: 'edited'; text: string }
  | { type: 'checking' }
  | { type: 'checked'; answer: ValidateAnswer }
  | { type: 'check-failed'; message: string }
  | { type: 'applied'; base: BaseVersion }
  | { type: 'refused-invalid'; problems: Problem[] };

export const EMPTY_DRAFT: Draft = { text: '', check: { state: 'idle' } };

/** The draft after `event`. */
export function nextDraft(draft: Draft, event: DraftEvent): Draft {
  switch (event.type) {
    case 'loaded': {
      // The text is replaced by the version loaded; a check of another version no longer applies.
      const check: Check = event.current.version === draft.base?.version ? draft.check : { state: 'checking' };
      return { ...draft, base: event.current, text: event.current.yaml, loadError: undefined, check };
    }
    case 'load-failed':
      return { ...draft, loadError: event.message };
    case 'edited':
      return { ...draft, text: event.text };
    case 'checking':
      return { ...draft, check: { state: 'checking' } };
    case 'checked':
      return { ...draft, check: { state: 'done', answer: event.answer } };
    case 'check-failed':
      return { ...draft, check: { state: 'error', message: event.message } };
    case 'applied':
      // The text as written is now that version (comments included): it stays in the editor, checked again.
      return { ...draft, base: event.base, check: { state: 'checking' } };
    case 'refused-invalid':
      return {
        ...draft,
        check: { state: 'done', answer: { valid: false, currentVersion: draft.base?.version ?? '', problems: event.problems } },
      };
  }
}

/** Whether the text differs from the version it was loaded from. */
export function isDirty(draft: Draft): boolean {
  return draft.base !== undefined && draft.text !== draft.base.yaml;
}

/** A version applied meanwhile while the text has unsaved edits: applying the text would be refused as stale. */
export function isOvertaken(draft: Draft, followed: string | undefined): boolean {
  return followed !== undefined && draft.base !== undefined && followed !== draft.base.version && isDirty(draft);
}

/** What a check shows: its answer (when there is one), the problems, how many of them are errors. */
export function checkFindings(check: Check): { answer?: ValidateAnswer; problems: Problem[]; errors: number } {
  const answer = check.state === 'done' ? check.answer : undefined;
  const problems = answer?.problems ?? [];
  return { answer, problems, errors: problems.filter((p) => p.severity === 'error').length };
}

/** Run a write (apply, rollback); a meta-server that could not be reached is a `failed` outcome like the others. */
export async function settleWrite(run: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
  try {
    return await run();
  } catch (error) {
    return { outcome: 'failed', message: `Not saved: ${(error as Error).message}` };
  }
}
