import { time } from './chat-labels';
import type { ChatSession } from './chat-session';
import type { ScreenPrefix } from './connect-panel';

/** The session's errors in words (`chat-error`, with the protocol or close code), newest first, each dismissable. */
export function ErrorList({ session, prefix = 'chat' }: { session: ChatSession; prefix?: ScreenPrefix }) {
  if (session.errors.length === 0) return null;
  return (
    <ul class="errors" aria-label="Errors" aria-live="polite">
      {session.errors.map((error) => (
        <li
          key={error.key}
          data-testid={`${prefix}-error`}
          {...(error.code === undefined ? {} : { 'data-code': error.code })}
          class="error"
        >
          <span>
            <small>{time(error.time)}</small> {error.text}
          </span>
          <button type="button" class="link" onClick={() => session.dismissError(error.key)} aria-label="Dismiss">
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
