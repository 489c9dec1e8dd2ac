import type { OpsDeadLetters } from '@linker/contracts';
import { useDeadLetters } from './use-ops-data';

type Letter = OpsDeadLetters['letters'][number];

/**
 * The parked messages with their reason, each with a Re-inject button (put back on the intake with its own id; the
 * processor unparks it once published). Reloaded with the overview (`tick`) and after each re-injection.
 */
export function DeadLetterCard({ tick }: { tick: number }) {
  const { letters, error, outcomes, onReinject } = useDeadLetters(tick);
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
          <LetterItem key={letter.id} letter={letter} onReinject={() => onReinject(letter.domain, letter.id)} />
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

function LetterItem({ letter, onReinject }: { letter: Letter; onReinject: () => void }) {
  return (
    <li data-testid="ops-dead-letter" data-id={letter.id}>
      <div>
        <strong>{letter.type}</strong> {letter.lane} from <code>{letter.from}</code>
        {letter.to && (
          <>
            {' '}
            to <code>{letter.to}</code>
          </>
        )}{' '}
        <small>
          parked {new Date(letter.at).toLocaleString()} in {letter.domain}
        </small>
      </div>
      <div class="ops-reason" data-testid="ops-dead-letter-reason">
        {letter.reason}
      </div>
      <button type="button" data-testid="ops-reinject" onClick={onReinject}>
        Re-inject
      </button>
    </li>
  );
}
