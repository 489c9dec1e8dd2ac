import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchRoute, type Home } from '../api/meta';
import type { UiInfo } from '../api/server';
import { useObservable } from '../store';
import type { TopologyFeed } from '../topology/topology-feed';
import type { ChatMessage, Lane, MessageKind } from './chat-log';
import { ChatSession, type ConnectForm } from './chat-session';

const STATE_LABEL = { disconnected: 'Disconnected', connecting: 'Connecting', authenticated: 'Signed in', failed: 'Not signed in' } as const;

const time = (ms: number): string => new Date(ms).toLocaleTimeString();

/** The chat console: sign in to a connector, conversations, compose, fetch, presence, errors. */
export function ChatScreen({ info, feed, session }: { info?: UiInfo; feed: TopologyFeed; session: ChatSession }) {
  useObservable(session);
  useObservable(feed);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const messages = session.log.of(selected);
  const conversations = session.log.conversations();
  const master = feed.appOf(session.userId)?.masterUserId;
  const isMaster = session.userId !== '' && master === session.userId;
  return (
    <div class="chat">
      <aside class="column">
        <ConnectPanel info={info} feed={feed} session={session} />
        <PresencePanel session={session} isMaster={isMaster} master={master} />
      </aside>
      <nav class="card conversations" aria-label="Conversations">
        <h2>Conversations</h2>
        <ul>
          <li>
            <button type="button" class={selected === undefined ? 'conversation selected' : 'conversation'} onClick={() => setSelected(undefined)}>
              <strong>All messages</strong>
              <small>{session.log.messages.length} in this session</small>
            </button>
          </li>
          {conversations.map((c) => (
            <li key={c.peer}>
              <button
                type="button"
                data-testid="chat-conversation"
                data-peer={c.peer}
                class={selected === c.peer ? 'conversation selected' : 'conversation'}
                onClick={() => setSelected(c.peer)}
                title={c.group ? `Group: ${c.peer.split(',').join(', ')}` : c.peer}
              >
                <strong>{c.group ? `Group: ${c.peer.split(',').join(', ')}` : c.peer}</strong>
                <small>
                  {c.count} message{c.count === 1 ? '' : 's'} · {c.last.direction === 'out' ? 'you: ' : ''}
                  {c.last.content.slice(0, 40)}
                </small>
              </button>
            </li>
          ))}
        </ul>
        {conversations.length === 0 && <p class="hint">A conversation appears here for each user you exchange messages with.</p>}
      </nav>
      <section class="card thread" aria-label="Messages">
        <ErrorList session={session} />
        <h2>{selected === undefined ? 'All messages' : selected.includes(',') ? `Group: ${selected.split(',').join(', ')}` : `With ${selected}`}</h2>
        <MessageList messages={messages} me={session.userId} />
        <Compose session={session} peer={selected} />
        <FetchBar session={session} />
      </section>
    </div>
  );
}

function ConnectPanel({ info, feed, session }: { info?: UiInfo; feed: TopologyFeed; session: ChatSession }) {
  const endpoints = info?.clientEndpoints ?? [];
  const [form, setForm] = useState<ConnectForm>({ url: '', userId: '', appId: '', token: '' });
  const [appIdTouched, setAppIdTouched] = useState(false);
  // Pre-fill the connector with this domain's client endpoint once it is known.
  useEffect(() => {
    if (form.url === '' && endpoints.length > 0) setForm((f) => ({ ...f, url: endpoints[0].url }));
  }, [endpoints.length]);
  // The appId follows the user id's app (from the topology) until the person types one.
  const suggestedAppId = feed.appOf(form.userId)?.appId;
  useEffect(() => {
    if (!appIdTouched && suggestedAppId !== undefined) setForm((f) => ({ ...f, appId: suggestedAppId }));
  }, [suggestedAppId, appIdTouched]);
  const home = useHome(form.userId, info?.metaServer === true, feed.version);
  const homeEndpoint = home?.kind === 'domain' ? endpoints.find((e) => e.domain === home.domain) : undefined;
  const busy = session.state === 'connecting';
  const signedIn = session.state === 'authenticated' || busy;
  // Functional updates: a field typed before the pre-fills above land is not undone by them (nor they by it).
  const update = (field: keyof ConnectForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [field]: value }));
  };
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void session.connect(form);
  };
  const domainOf = endpoints.find((e) => e.url === form.url)?.domain;
  return (
    <form class="card" onSubmit={onSubmit} aria-label="Connection">
      <h2>Connection</h2>
      <label>
        Connector (client WebSocket URL)
        <input data-testid="chat-url" list="chat-endpoints" value={form.url} onInput={update('url')} placeholder="ws://127.0.0.1:8089/ws" required spellcheck={false} />
        <datalist id="chat-endpoints">
          {endpoints.map((e) => (
            <option key={e.url} value={e.url}>
              {e.domain}
            </option>
          ))}
        </datalist>
        {domainOf !== undefined && <small class="hint">The client endpoint of {domainOf}{domainOf === info?.domain ? ' (this domain)' : ''}.</small>}
      </label>
      <label>
        User id
        <input data-testid="chat-user" value={form.userId} onInput={update('userId')} placeholder="ANZ-123456" required spellcheck={false} autocomplete="off" />
      </label>
      <label>
        App id
        <input
          data-testid="chat-app-id"
          value={form.appId}
          onInput={(event) => {
            setAppIdTouched(true);
            update('appId')(event);
          }}
          placeholder="app-id-343"
          required
          spellcheck={false}
        />
        {suggestedAppId !== undefined && !appIdTouched && <small class="hint">Filled in from the topology (app {feed.appOf(form.userId)?.appName}).</small>}
      </label>
      {home?.kind === 'domain' && homeEndpoint !== undefined && homeEndpoint.url !== form.url && (
        <p class="hint warn">
          {form.userId.trim()} lives in {home.domain}: a user signs in at its home domain’s connector.{' '}
          <button type="button" class="link" onClick={() => setForm({ ...form, url: homeEndpoint.url })}>
            Use {homeEndpoint.url}
          </button>
        </p>
      )}
      {home !== undefined && home.kind !== 'domain' && home.kind !== 'everywhere' && (
        <p class="hint warn">{form.userId.trim()} has no home domain ({home.kind === 'unknown-app' ? 'no such app' : home.kind === 'outside-ranges' ? 'its number is outside every range' : 'not a user id'}): the login will be refused.</p>
      )}
      <label>
        Token <small>(optional: apps with authentication off accept any)</small>
        <input data-testid="chat-token" type="password" value={form.token} onInput={update('token')} autocomplete="off" />
      </label>
      <div class="buttons">
        <button data-testid="chat-connect" type="submit" class="primary" disabled={busy}>
          {signedIn ? 'Reconnect' : 'Connect'}
        </button>
        <button data-testid="chat-disconnect" type="button" onClick={() => void session.disconnect()} disabled={session.state === 'disconnected'}>
          Disconnect
        </button>
      </div>
      <p data-testid="chat-state" data-state={session.state} class={`state state-${session.state}`} role="status">
        <span class="dot" aria-hidden="true" />
        <span>
          <strong>{STATE_LABEL[session.state]}</strong> {session.detail}
        </span>
      </p>
    </form>
  );
}

/** Where `userId` lives, asked of the meta-server (`GET /topology/route` from the user to itself), as the person types. */
function useHome(userId: string, metaServer: boolean, version?: string): Home | undefined {
  const [home, setHome] = useState<Home | undefined>(undefined);
  useEffect(() => {
    const id = userId.trim();
    setHome(undefined);
    if (!metaServer || !/^.+-\d+$/.test(id)) return;
    let current = true;
    const timer = setTimeout(() => {
      fetchRoute(id, id, []).then(
        (route) => current && setHome(route.from.home),
        () => undefined, // a malformed id: the login says why
      );
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [userId, metaServer, version]);
  return home;
}

function PresencePanel({ session, isMaster, master }: { session: ChatSession; isMaster: boolean; master?: string }) {
  const users = [...session.presence.entries()].sort(([a], [b]) => a.localeCompare(b));
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
          <li key={userId} data-testid="presence-user" data-user={userId} data-online={String(online)} class={online ? 'online' : 'offline'}>
            <span class="dot" aria-hidden="true" /> {userId} <small>{online ? 'connected' : 'disconnected'} at {time(at)}</small>
            {online && isMaster && (
              <button type="button" class="link close-user" onClick={() => session.closeConnection(userId)} title={`CLOSE_CONNECTION: close every socket of ${userId} (4003)`}>
                close
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ErrorList({ session }: { session: ChatSession }) {
  if (session.errors.length === 0) return null;
  return (
    <ul class="errors" aria-label="Errors" aria-live="polite">
      {session.errors.map((error) => (
        <li key={error.key} data-testid="chat-error" {...(error.code === undefined ? {} : { 'data-code': error.code })} class="error">
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

const STATUS_LABEL = { sent: 'sent', delivered: 'delivered', refused: 'refused' } as const;

function MessageList({ messages, me }: { messages: ChatMessage[]; me: string }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'nearest' }), [messages.length]);
  if (messages.length === 0) return <p class="hint messages-empty">No messages yet. Sign in, then write to a user id below.</p>;
  return (
    <ol class="messages">
      {messages.map((m) => (
        <li
          key={m.key}
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
          {m.direction === 'out' && (
            <div class={`status status-${m.status}`}>
              {STATUS_LABEL[m.status ?? 'sent']}
              {m.status === 'delivered' && m.path !== undefined && m.path.length > 1 && ` via ${m.path.join(' → ')}`}
              {m.status === 'sent' && m.kind === 'GROUP_MESSAGE' && ' (group messages are never confirmed)'}
              {m.status === 'refused' && `: ${m.refusal}`}
            </div>
          )}
          {m.direction === 'in' && me !== m.to && <div class="meta">to {m.to}</div>}
        </li>
      ))}
      <li ref={end} class="end" aria-hidden="true" />
    </ol>
  );
}

function Compose({ session, peer }: { session: ChatSession; peer?: string }) {
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<MessageKind>('MESSAGE');
  const [lane, setLane] = useState<Lane>('RELIABLE');
  const [content, setContent] = useState('');
  // Choosing a conversation addresses the next message to it.
  useEffect(() => {
    if (peer === undefined) return;
    setTo(peer);
    setKind(peer.includes(',') ? 'GROUP_MESSAGE' : 'MESSAGE');
  }, [peer]);
  const group = useMemo(() => to.includes(','), [to]);
  const send = (event: Event) => {
    event.preventDefault();
    if (session.send(kind, to, lane, content)) setContent('');
  };
  return (
    <form class="compose" onSubmit={send} aria-label="Compose">
      <div class="row">
        <label class="grow">
          To {kind === 'GROUP_MESSAGE' ? <small>(user ids, separated by commas)</small> : <small>(a user id)</small>}
          <input data-testid="chat-to" value={to} onInput={(e) => setTo(e.currentTarget.value)} placeholder={kind === 'GROUP_MESSAGE' ? 'ANZ-2, ANZ-3' : 'ANZ-3123456'} spellcheck={false} />
        </label>
        <label>
          Kind
          <select data-testid="chat-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as MessageKind)}>
            <option value="MESSAGE">MESSAGE (one user)</option>
            <option value="GROUP_MESSAGE">GROUP_MESSAGE (several)</option>
          </select>
        </label>
        <label>
          Lane
          <select data-testid="chat-lane" value={lane} onChange={(e) => setLane(e.currentTarget.value as Lane)}>
            <option value="RELIABLE">RELIABLE (never lost)</option>
            <option value="FAST">FAST (in memory)</option>
          </select>
        </label>
      </div>
      {group && kind === 'MESSAGE' && <p class="hint warn">Several recipients: choose GROUP_MESSAGE.</p>}
      <div class="row">
        <label class="grow">
          Message
          <textarea
            data-testid="chat-content"
            value={content}
            rows={2}
            onInput={(e) => setContent(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) send(e);
            }}
            placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
          />
        </label>
        <button data-testid="chat-send" type="submit" class="primary send" disabled={session.state !== 'authenticated'}>
          Send
        </button>
      </div>
    </form>
  );
}

function FetchBar({ session }: { session: ChatSession }) {
  const [count, setCount] = useState(100);
  return (
    <div class="fetch row" aria-label="Stored messages">
      <label>
        Fetch up to
        <input type="number" min={1} max={2000} value={count} onInput={(e) => setCount(Math.max(1, Math.min(2000, Number(e.currentTarget.value) || 1)))} />
      </label>
      <button data-testid="chat-fetch" type="button" onClick={() => void session.fetchMissing(count)} disabled={session.state !== 'authenticated' || session.fetching}>
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
