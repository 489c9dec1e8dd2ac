import { useEffect, useRef } from 'preact/hooks';
import { time } from './chat-labels';
import type { ChatMessage } from './chat-log';

const STATUS_LABEL = { sent: 'sent', delivered: 'delivered', refused: 'refused' } as const;

/** The messages shown, oldest first, kept scrolled to the newest. */
export function MessageList({ messages, me }: { messages: ChatMessage[]; me: string }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'nearest' }), [messages.length]);
  if (messages.length === 0) return <p class="hint messages-empty">No messages yet. Sign in, then write to a user id below.</p>;
  return (
    <ol class="messages">
      {messages.map((m) => (
        <MessageItem key={m.key} message={m} me={me} />
      ))}
      <li ref={end} class="end" aria-hidden="true" />
    </ol>
  );
}

/** `chat-message`: who to or from, kind, lane, time, the text, and for a message sent its status. */
function MessageItem({ message: m, me }: { message: ChatMessage; me: string }) {
  return (
    <li
      data-testid="chat-message"
      data-direction={m.direction}
      data-from={m.from}
      data-to={m.to}
      {...(m.status === undefined ? {} : { 'data-status': m.status })}
      class={`message ${m.direction}`}
    >
      <div class="meta">
        {m.direction === 'out' ? `to ${m.to.split(',').join(', ')}` : `from ${m.from}`}
        {m.kind === 'GROUP_MESSAGE' && ' · group'}
        {m.lane !== undefined && ` · ${m.lane}`}
        {m.fetched && ' · fetched'} · {time(m.time)}
      </div>
      <div class="content">{m.content}</div>
      {m.direction === 'out' && <OutStatus message={m} />}
      {m.direction === 'in' && me !== m.to && <div class="meta">to {m.to}</div>}
    </li>
  );
}

function OutStatus({ message: m }: { message: ChatMessage }) {
  return (
    <div class={`status status-${m.status}`}>
      {STATUS_LABEL[m.status ?? 'sent']}
      {m.status === 'delivered' && m.path !== undefined && m.path.length > 1 && ` via ${m.path.join(' → ')}`}
      {m.status === 'sent' && m.kind === 'GROUP_MESSAGE' && ' (group messages are never confirmed)'}
      {m.status === 'refused' && `: ${m.refusal}`}
    </div>
  );
}
