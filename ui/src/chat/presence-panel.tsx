import { presenceList, time } from './chat-labels';
import type { ChatSession } from './chat-session';

/** `chat-presence`: who of the app connects and disconnects (master users only), with *close* for the master. */
export function PresencePanel({ session, isMaster, master }: { session: ChatSession; isMaster: boolean; master?: string }) {
  const users = presenceList(session.presence);
  return (
    <section data-testid="chat-presence" class="card presence" aria-label="Presence">
      <h2>Presence</h2>
      {users.length === 0 && (
        <p class="hint">
          {isMaster || session.presenceSeen
            ? 'As the master user of its app, you will see here each user of the app who connects or disconnects.'
            : `Only an app’s master user${master ? ` (${master})` : ''} sees who connects and disconnects.`}
        </p>
      )}
      <ul>
        {users.map(([userId, { online, time: at }]) => (
          <li
            key={userId}
            data-testid="presence-user"
            data-user={userId}
            data-online={String(online)}
            class={online ? 'online' : 'offline'}
          >
            <span class="dot" aria-hidden="true" /> {userId}{' '}
            <small>
              {online ? 'connected' : 'disconnected'} at {time(at)}
            </small>
            {online && isMaster && (
              <button
                type="button"
                class="link close-user"
                onClick={() => session.closeConnection(userId)}
                title={`CLOSE_CONNECTION: close every socket of ${userId} (4003)`}
              >
                close
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
