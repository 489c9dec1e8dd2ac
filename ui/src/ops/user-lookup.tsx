import type { ApiPresence } from '@linker/contracts';
import { useState } from 'preact/hooks';
import { disconnectUser, userPresence } from '../api/ops';

type Shown = { kind: 'presence'; presence: ApiPresence } | { kind: 'text'; text: string; error: boolean };

/**
 * Is a user online, on which connectors, with how many sockets, and a Disconnect button: through a connector's server
 * API, with the app's API key the operator types (kept in this page's memory only, never stored).
 */
export function UserLookup() {
  const [userId, setUserId] = useState('');
  const [apiKey, setApiKey] = useState('');
  const { shown, busy, lookUp, kick } = useLookup();
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
        <button type="button" class="primary" data-testid="ops-lookup" disabled={!ready} onClick={() => lookUp(userId.trim(), apiKey)}>
          Look up
        </button>
        <button type="button" data-testid="ops-disconnect" disabled={!ready} onClick={() => kick(userId.trim(), apiKey)}>
          Disconnect
        </button>
      </div>
      {shown && <ShownLine shown={shown} />}
    </section>
  );
}

/** The last lookup's or disconnect's answer, and whether one is under way. */
function useLookup() {
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = (work: () => Promise<Shown>) => {
    setBusy(true);
    work()
      .then(setShown, (problem: Error) => setShown({ kind: 'text', text: problem.message, error: true }))
      .finally(() => setBusy(false));
  };
  const lookUp = (userId: string, apiKey: string) => run(async () => ({ kind: 'presence', presence: await userPresence(userId, apiKey) }));
  const kick = (userId: string, apiKey: string) =>
    run(async () => {
      await disconnectUser(userId, apiKey);
      return { kind: 'text', text: `Every socket of ${userId} is being closed.`, error: false };
    });
  return { shown, busy, lookUp, kick };
}

function ShownLine({ shown }: { shown: Shown }) {
  if (shown.kind === 'text') {
    return (
      <p class={shown.error ? 'error-text' : 'hint'} data-testid="ops-lookup-outcome">
        {shown.text}
      </p>
    );
  }
  const { userId, online, domain, sockets, connectors } = shown.presence;
  return (
    <p data-testid="ops-presence" data-online={String(online)} data-sockets={sockets}>
      {userId} is {online ? `online in ${domain}: ${sockets} socket(s) on ${connectors.join(', ')}` : `offline (home: ${domain})`}.
    </p>
  );
}
