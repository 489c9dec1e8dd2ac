import type { ValidateAnswer } from '../api/meta';
import { EMPTY_DRAFT, checkFindings, isDirty, isOvertaken, nextDraft, settleWrite, type Draft, type DraftEvent } from './topology-draft';

const V1 = { yaml: 'domains: []\n', version: 'v1' };
const V2 = { yaml: 'domains: [] # two\n', version: 'v2' };
const VALID: ValidateAnswer = { valid: true, version: 'v3', currentVersion: 'v1', problems: [] };

const after = (...events: DraftEvent[]): Draft => events.reduce(nextDraft, EMPTY_DRAFT);

describe('nextDraft', () => {
  it('puts a loaded version in the editor, its check under way until the meta-server answers', () => {
    const loaded = after({ type: 'loaded', current: V1 });
    expect(loaded).toEqual({ base: V1, text: V1.yaml, loadError: undefined, check: { state: 'checking' } });
    expect(isDirty(loaded)).toBe(false);
    const checked = nextDraft(loaded, { type: 'checked', answer: VALID });
    expect(checked.check).toEqual({ state: 'done', answer: VALID });
  });

  it('keeps the check when the same version is loaded again, and drops it for another version', () => {
    const checked = after({ type: 'loaded', current: V1 }, { type: 'checked', answer: VALID });
    expect(nextDraft(checked, { type: 'loaded', current: V1 }).check).toEqual({ state: 'done', answer: VALID });
    expect(nextDraft(checked, { type: 'loaded', current: V2 }).check).toEqual({ state: 'checking' });
  });

  it('keeps the text as it was when a load fails, and clears the failure at the next load', () => {
    const failed = after({ type: 'loaded', current: V1 }, { type: 'edited', text: 'mine' }, { type: 'load-failed', message: 'down' });
    expect(failed).toMatchObject({ text: 'mine', loadError: 'down', base: V1 });
    expect(nextDraft(failed, { type: 'loaded', current: V2 })).toMatchObject({ text: V2.yaml, loadError: undefined });
  });

  it('makes the text applied the new base, checked again, without touching what was typed since', () => {
    const applied = after(
      { type: 'loaded', current: V1 },
      { type: 'edited', text: 'typed after apply' },
      { type: 'applied', base: { yaml: 'applied', version: 'v3' } },
    );
    expect(applied).toMatchObject({ base: { yaml: 'applied', version: 'v3' }, text: 'typed after apply', check: { state: 'checking' } });
    expect(isDirty(applied)).toBe(true);
  });

  it('shows the problems of a refused write as an invalid check against the base version', () => {
    const problem = { path: 'domainLinks[0].n2', message: 'no domain domain-09', severity: 'error' as const, line: 5 };
    const refused = after({ type: 'loaded', current: V1 }, { type: 'refused-invalid', problems: [problem] });
    expect(refused.check).toEqual({ state: 'done', answer: { valid: false, currentVersion: 'v1', problems: [problem] } });
    expect(after({ type: 'refused-invalid', problems: [] }).check).toMatchObject({ answer: { currentVersion: '' } });
  });

  it('says why a check failed', () => {
    expect(after({ type: 'checking' }, { type: 'check-failed', message: 'busy' }).check).toEqual({ state: 'error', message: 'busy' });
  });
});

describe('isOvertaken', () => {
  it('is true only for edited text based on a version older than the one followed', () => {
    const loaded = after({ type: 'loaded', current: V1 });
    const edited = nextDraft(loaded, { type: 'edited', text: 'mine' });
    expect(isOvertaken(edited, 'v2')).toBe(true);
    expect(isOvertaken(loaded, 'v2')).toBe(false);
    expect(isOvertaken(edited, 'v1')).toBe(false);
    expect(isOvertaken(edited, undefined)).toBe(false);
    expect(isOvertaken(EMPTY_DRAFT, 'v2')).toBe(false);
  });
});

describe('checkFindings', () => {
  it('counts the errors among the problems of an answer, and finds nothing before one', () => {
    const answer: ValidateAnswer = {
      valid: false,
      currentVersion: 'v1',
      problems: [
        { path: 'a', message: 'x', severity: 'error' },
        { path: 'b', message: 'y', severity: 'warning' },
        { path: 'c', message: 'z', severity: 'error' },
      ],
    };
    expect(checkFindings({ state: 'done', answer })).toEqual({ answer, problems: answer.problems, errors: 2 });
    expect(checkFindings({ state: 'checking' })).toEqual({ answer: undefined, problems: [], errors: 0 });
  });
});

describe('settleWrite', () => {
  it("passes the meta-server's outcome on, and turns a failure to reach it into a failed outcome in words", async () => {
    const saved = { outcome: 'saved' as const, version: 'v2', changed: true, message: 'Saved' };
    expect(await settleWrite(() => Promise.resolve(saved))).toBe(saved);
    expect(await settleWrite(() => Promise.reject(new Error('the server of this page did not answer')))).toEqual({
      outcome: 'failed',
      message: 'Not saved: the server of this page did not answer',
    });
  });
});
