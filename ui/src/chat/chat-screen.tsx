import { useState } from 'preact/hooks';
import type { UiInfo } from '../api/server';
import { useObservable } from '../store';
import type { TopologyFeed } from '../topology/topology-feed';
import { ChannelPanel } from './channel-panel';
import { isMasterUser, threadTitle } from './chat-labels';
import type { ChatSession } from './chat-session';
import { Compose } from './compose';
import { ConnectPanel } from './connect-panel';
import { ConversationList } from './conversation-list';
import { ErrorList } from './error-list';
import { FetchBar } from './fetch-bar';
import { MessageList } from './message-list';
import { PresencePanel } from './presence-panel';

/** The chat console: sign in to a connector, conversations, compose, fetch, presence, channels, errors. */
export function ChatScreen({ info, feed, session }: { info?: UiInfo; feed: TopologyFeed; session: ChatSession }) {
  useObservable(session);
  useObservable(feed);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const master = feed.appOf(session.userId)?.masterUserId;
  return (
    <div class="chat">
      <aside class="column">
        <ConnectPanel info={info} feed={feed} session={session} />
        <PresencePanel session={session} isMaster={isMasterUser(session.userId, master)} master={master} />
      </aside>
      <ConversationList log={session.log} selected={selected} onSelect={setSelected} />
      <section class="card thread" aria-label="Messages">
        <ErrorList session={session} />
        <h2>{threadTitle(selected)}</h2>
        <MessageList messages={session.log.of(selected)} me={session.userId} />
        <Compose session={session} peer={selected} />
        <FetchBar session={session} />
      </section>
      <ChannelPanel channels={session.channels} />
    </div>
  );
}
