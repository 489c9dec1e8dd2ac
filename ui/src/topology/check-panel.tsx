import type { Problem, ValidateAnswer } from '../api/meta';
import { DiffView } from './diff-view';
import { checkFindings, type Check } from './topology-draft';

/** What the meta-server said of the text: valid (and the version it would make) or not, its problems, the diff. */
export function CheckPanel({ check, onGoToLine }: { check: Check; onGoToLine: (line: number) => void }) {
  const { answer, problems, errors } = checkFindings(check);
  return (
    <div class="check" aria-live="polite">
      {check.state === 'checking' && <p class="hint">Checking…</p>}
      {check.state === 'error' && <p class="error-text">{check.message}</p>}
      {answer?.valid && <ValidNote answer={answer} warnings={problems.length} />}
      {answer && !answer.valid && (
        <p class="invalid">
          ✗ {errors} problem{errors === 1 ? '' : 's'}: it cannot be applied as it is.
        </p>
      )}
      <ProblemList problems={problems} onGoToLine={onGoToLine} />
      {answer?.valid && answer.diff && <DiffView diff={answer.diff} from={answer.currentVersion} />}
    </div>
  );
}

function ValidNote({ answer, warnings }: { answer: ValidateAnswer; warnings: number }) {
  return (
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
      {warnings > 0 && ` ${warnings} warning${warnings === 1 ? '' : 's'} below.`}
    </p>
  );
}

/** `topo-problems`: each problem with a button to its line. */
function ProblemList({ problems, onGoToLine }: { problems: Problem[]; onGoToLine: (line: number) => void }) {
  return (
    <ul data-testid="topo-problems" class="problems" aria-label="Problems">
      {problems.map((problem, i) => (
        <li
          key={i}
          data-testid="topo-problem"
          data-line={problem.line === undefined ? '' : String(problem.line)}
          data-path={problem.path}
          class={`problem ${problem.severity}`}
        >
          <button
            type="button"
            class="link"
            onClick={() => problem.line !== undefined && onGoToLine(problem.line)}
            disabled={problem.line === undefined}
          >
            {problem.line === undefined ? 'document' : `line ${problem.line}`}
          </button>{' '}
          <span class="severity">{problem.severity}</span> <code>{problem.path || '(document)'}</code>: {problem.message}
        </li>
      ))}
    </ul>
  );
}
