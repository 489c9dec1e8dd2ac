import type { ApiPresence } from '@linker/contracts';
import { useState } from 'preact/hooks';
import { disconnectUser, userPresence } from '../api/ops';

type Shown = { kind: 'presence'; presence: ApiPresence } | { kind: 'text'; text: string; error: boolean };

/**
 * Is a user online, on how many sockets, and a Disconnect button: through a connector's server API, with the app's
 * API key the operator types (kept in this page's memory only, never stored).
 */
export function UserLookup() {
  const [userId, setUserId] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = (work: () => Promise<Shown>) => {
    setBusy(true);
    work()
      .then(setShown, (problem: Error) => setShown({ kind: 'text', text: problem.message, error: true }))
      .finally(() => setBusy(false));
  };
  const lookUp = () => run(async () => ({ kind: 'presence', presence: await userPresence(userId.trim(), apiKey) }));
  const kick = () =>
    run(async () => {
      await disconnectUser(userId.trim(), apiKey);
      return { kind: 'text', text: `Every socket of ${userId.trim()} is being closed.`, error: false };
    });
  const ready = userId.trim() !== '' && apiKey !== '' && !busy;
  return (
    <section class="card" aria-label="User lookup">
      <h2>User lookup</h2>
      <p class="hint">Through the app’s server API: its API key is kept in this page only.</p>
      <label>
        User id <input data-testid="ops-user" value={userId} onInput={(e) => setUserId(e.currentTarget.value)} placeholder="ANZ-1" />
      </label>
      <label>
        App API key{' '}
        <input
          data-testid="ops-api-key"
          type="password"
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
          autocomplete="off"
        />
      </label>
      <div class="buttons">
        <button type="button" class="primary" data-testid="ops-lookup" disabled={!ready} onClick={lookUp}>
          Look up
        </button>
        <button type="button" data-testid="ops-disconnect" disabled={!ready} onClick={kick}>
          Disconnect
        </button>
      </div>
      {shown?.kind === 'presence' && (
        <p data-testid="ops-presence" data-online={String(shown.presence.online)} data-sockets={shown.presence.sockets}>
          {shown.presence.userId} is{' '}
          {shown.presence.online
            ? `online in ${shown.presence.domain}: ${shown.presence.sockets} socket(s) on ${shown.presence.connectors.join(', ')}`
            : `offline (home: ${shown.presence.domain})`}
          .
        </p>
      )}
      {shown?.kind === 'text' && (
        <p class={shown.error ? 'error-text' : 'hint'} data-testid="ops-lookup-outcome">
          {shown.text}
        </p>
      )}
    </section>
  );
}
