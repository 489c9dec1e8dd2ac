import type { OpsDeadLetters } from '@linker/contracts';
import { useEffect, useState } from 'preact/hooks';
import { fetchDeadLetters, reinject } from '../api/ops';

type Outcomes = Record<string, { ok: boolean; text: string }>;

/**
 * The parked messages with their reason, each with a Re-inject button (put back on the intake with its own id; the
 * processor unparks it once published). Reloaded with the overview (`tick`) and after each re-injection.
 */
export function DeadLetterCard({ tick }: { tick: number }) {
  const [letters, setLetters] = useState<OpsDeadLetters | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [outcomes, setOutcomes] = useState<Outcomes>({});
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    fetchDeadLetters().then(
      (answer) => (setLetters(answer), setError(undefined)),
      (problem: Error) => setError(`The dead letters could not be read: ${problem.message}`),
    );
  }, [tick, reloads]);
  const onReinject = (processor: string, id: string) => {
    setOutcomes((all) => ({ ...all, [id]: { ok: true, text: 'Re-injecting…' } }));
    reinject(processor, id)
      .then(
        () => setOutcomes((all) => ({ ...all, [id]: { ok: true, text: 'Re-injected: back on the intake.' } })),
        (problem: Error) => setOutcomes((all) => ({ ...all, [id]: { ok: false, text: `Not re-injected: ${problem.message}` } })),
      )
      .finally(() => setReloads((n) => n + 1));
  };
  return (
    <section class="card" aria-label="Dead letters" data-testid="ops-dead-letters" data-count={letters?.letters.length ?? ''}>
      <h2>Dead letters {letters && <span class="badge">{letters.letters.length}</span>}</h2>
      <p class="hint">Messages the processors could not handle, parked with the reason. Re-inject one once its cause is fixed.</p>
      {error && <p class="error-text">{error}</p>}
      {letters?.problems.map((problem) => (
        <p key={problem} class="hint warn" data-testid="ops-dead-letter-problem">
          {problem}
        </p>
      ))}
      {letters === undefined && !error && <p class="hint">Reading the dead letters…</p>}
      {letters?.letters.length === 0 && (
        <p class="hint" data-testid="ops-no-dead-letters">
          No dead letters: nothing is parked.
        </p>
      )}
      <ul class="ops-letters">
        {letters?.letters.map((letter) => (
          <li key={letter.id} data-testid="ops-dead-letter" data-id={letter.id}>
            <div>
              <strong>{letter.type}</strong> {letter.lane} from <code>{letter.from}</code>
              {letter.to && (
                <>
                  {' '}
                  to <code>{letter.to}</code>
                </>
              )}{' '}
              <small>parked {new Date(letter.at).toLocaleString()}</small>
            </div>
            <div class="ops-reason" data-testid="ops-dead-letter-reason">
              {letter.reason}
            </div>
            <button type="button" data-testid="ops-reinject" onClick={() => onReinject(letter.processor, letter.id)}>
              Re-inject
            </button>
          </li>
        ))}
      </ul>
      {Object.entries(outcomes).map(([id, outcome]) => (
        <p key={id} class={outcome.ok ? 'hint' : 'error-text'} data-testid="ops-reinject-outcome" data-ok={String(outcome.ok)}>
          <code>{id}</code>: {outcome.text}
        </p>
      ))}
    </section>
  );
}
