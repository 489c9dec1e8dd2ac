import { groupLabel } from './chat-labels';
import type { ChatLog, Conversation } from './chat-log';

/** The conversations of the session (one per peer; a group sent is one), "All messages" first. */
export function ConversationList({
  log,
  selected,
  onSelect,
}: {
  log: ChatLog;
  selected?: string;
  onSelect: (peer: string | undefined) => void;
}) {
  const conversations = log.conversations();
  return (
    <nav class="card conversations" aria-label="Conversations">
      <h2>Conversations</h2>
      <ul>
        <li>
          <button
            type="button"
            class={selected === undefined ? 'conversation selected' : 'conversation'}
            onClick={() => onSelect(undefined)}
          >
            <strong>All messages</strong>
            <small>{log.messages.length} in this session</small>
          </button>
        </li>
        {conversations.map((c) => (
          <ConversationItem key={c.peer} conversation={c} selected={selected === c.peer} onSelect={onSelect} />
        ))}
      </ul>
      {conversations.length === 0 && <p class="hint">A conversation appears here for each user you exchange messages with.</p>}
    </nav>
  );
}

/** `chat-conversation`: the peer (or group), how many messages, the last one's start. */
function ConversationItem({
  conversation: c,
  selected,
  onSelect,
}: {
  conversation: Conversation;
  selected: boolean;
  onSelect: (peer: string) => void;
}) {
  const label = c.group ? groupLabel(c.peer) : c.peer;
  return (
    <li>
      <button
        type="button"
        data-testid="chat-conversation"
        data-peer={c.peer}
        class={selected ? 'conversation selected' : 'conversation'}
        onClick={() => onSelect(c.peer)}
        title={label}
      >
        <strong>{label}</strong>
        <small>
          {c.count} message{c.count === 1 ? '' : 's'} · {c.last.direction === 'out' ? 'you: ' : ''}
          {c.last.content.slice(0, 40)}
        </small>
      </button>
    </li>
  );
}
