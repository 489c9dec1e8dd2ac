import { useEffect, useState } from 'preact/hooks';
import { addressOf } from './chat-labels';
import type { Lane, MessageKind } from './chat-log';
import type { ChatSession } from './chat-session';

interface ComposeFields {
  to: string;
  kind: MessageKind;
  lane: Lane;
  content: string;
  setTo: (to: string) => void;
  setKind: (kind: MessageKind) => void;
  setLane: (lane: Lane) => void;
  setContent: (content: string) => void;
}

/** The message being written; choosing a conversation (`peer`) addresses it there. */
function useComposeFields(peer: string | undefined): ComposeFields {
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<MessageKind>('MESSAGE');
  const [lane, setLane] = useState<Lane>('RELIABLE');
  const [content, setContent] = useState('');
  useEffect(() => {
    if (peer === undefined) return;
    const address = addressOf(peer);
    setTo(address.to);
    setKind(address.kind);
  }, [peer]);
  return { to, kind, lane, content, setTo, setKind, setLane, setContent };
}

/** Write a MESSAGE or GROUP_MESSAGE on a lane and send it; the text is cleared once it is sent. */
export function Compose({ session, peer }: { session: ChatSession; peer?: string }) {
  const fields = useComposeFields(peer);
  const send = (event: Event) => {
    event.preventDefault();
    if (session.send(fields.kind, fields.to, fields.lane, fields.content)) fields.setContent('');
  };
  return (
    <form class="compose" onSubmit={send} aria-label="Compose">
      <AddressRow fields={fields} />
      {fields.to.includes(',') && fields.kind === 'MESSAGE' && <p class="hint warn">Several recipients: choose GROUP_MESSAGE.</p>}
      <MessageRow content={fields.content} onContent={fields.setContent} onSend={send} canSend={session.state === 'authenticated'} />
    </form>
  );
}

function AddressRow({ fields }: { fields: ComposeFields }) {
  const group = fields.kind === 'GROUP_MESSAGE';
  return (
    <div class="row">
      <label class="grow">
        To {group ? <small>(user ids, separated by commas)</small> : <small>(a user id)</small>}
        <input
          data-testid="chat-to"
          value={fields.to}
          onInput={(e) => fields.setTo(e.currentTarget.value)}
          placeholder={group ? 'ANZ-2, ANZ-3' : 'ANZ-3123456'}
          spellcheck={false}
        />
      </label>
      <label>
        Kind
        <select data-testid="chat-kind" value={fields.kind} onChange={(e) => fields.setKind(e.currentTarget.value as MessageKind)}>
          <option value="MESSAGE">MESSAGE (one user)</option>
          <option value="GROUP_MESSAGE">GROUP_MESSAGE (several)</option>
        </select>
      </label>
      <label>
        Lane
        <select data-testid="chat-lane" value={fields.lane} onChange={(e) => fields.setLane(e.currentTarget.value as Lane)}>
          <option value="RELIABLE">RELIABLE (never lost)</option>
          <option value="FAST">FAST (in memory)</option>
        </select>
      </label>
    </div>
  );
}

/** The text (Enter sends, Shift+Enter a new line) and *Send*. */
function MessageRow({
  content,
  onContent,
  onSend,
  canSend,
}: {
  content: string;
  onContent: (content: string) => void;
  onSend: (event: Event) => void;
  canSend: boolean;
}) {
  return (
    <div class="row">
      <label class="grow">
        Message
        <textarea
          data-testid="chat-content"
          value={content}
          rows={2}
          onInput={(e) => onContent(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) onSend(e);
          }}
          placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
        />
      </label>
      <button data-testid="chat-send" type="submit" class="primary send" disabled={!canSend}>
        Send
      </button>
    </div>
  );
}
