import { useState } from 'preact/hooks';
import { FETCH_LIMIT, fetchCount } from './chat-labels';
import type { ChatSession } from './chat-session';

/** *Fetch missed messages* (up to a count) and how many are left in the mailbox. */
export function FetchBar({ session }: { session: ChatSession }) {
  const [count, setCount] = useState(100);
  return (
    <div class="fetch row" aria-label="Stored messages">
      <label>
        Fetch up to
        <input
          type="number"
          min={FETCH_LIMIT.min}
          max={FETCH_LIMIT.max}
          value={count}
          onInput={(e) => setCount(fetchCount(e.currentTarget.value))}
        />
      </label>
      <button
        data-testid="chat-fetch"
        type="button"
        onClick={() => void session.fetchMissing(count)}
        disabled={session.state !== 'authenticated' || session.fetching}
      >
        {session.fetching ? 'Fetching…' : 'Fetch missed messages'}
      </button>
      {session.left !== undefined && (
        <span data-testid="chat-left" data-left={String(session.left)} class="left">
          {session.lastFetched !== undefined && `${session.lastFetched} fetched; `}
          {session.left === 0 ? 'nothing left in your mailbox' : `${session.left} still stored in your mailbox`}
        </span>
      )}
    </div>
  );
}
