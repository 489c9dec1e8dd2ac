import { useEffect, useState } from 'preact/hooks';
import { fetchInfo, type UiInfo } from './api/server';
import { ChatScreen } from './chat/chat-screen';
import { ChatSession } from './chat/chat-session';
import { TopologyScreen } from './topology/topology-screen';
import { TopologyFeed } from './topology/topology-feed';

type Screen = 'chat' | 'topology';

/** `#/chat` and `#/topology` open their screen directly; anything else is the chat. */
function screenOf(hash: string): Screen {
  return hash.startsWith('#/topology') ? 'topology' : 'chat';
}

// One session and one topology feed for the page: switching screens keeps the connection and the editor's state.
const session = new ChatSession();
const feed = new TopologyFeed();

export function App() {
  const [screen, setScreen] = useState<Screen>(() => screenOf(location.hash));
  const [info, setInfo] = useState<UiInfo | undefined>(undefined);
  const [infoError, setInfoError] = useState<string | undefined>(undefined);

  useEffect(() => {
    const follow = () => setScreen(screenOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    fetchInfo().then(
      (answer) => {
        setInfo(answer);
        if (answer.metaServer) feed.start();
      },
      (error: Error) => setInfoError(`This page’s server did not say what it serves (${error.message}): is it running?`),
    );
    return () => feed.stop();
  }, []);

  return (
    <>
      <header class="top">
        <h1>
          linker-ts <span class="subtitle">console</span>
        </h1>
        {info?.domain && (
          <span class="badge domain" title="The domain this console is served for">
            {info.domain}
          </span>
        )}
        <nav aria-label="Screens">
          <a
            data-testid="nav-chat"
            href="#/chat"
            class={screen === 'chat' ? 'active' : ''}
            aria-current={screen === 'chat' ? 'page' : undefined}
          >
            Chat
          </a>
          <a
            data-testid="nav-topology"
            href="#/topology"
            class={screen === 'topology' ? 'active' : ''}
            aria-current={screen === 'topology' ? 'page' : undefined}
          >
            Topology
          </a>
        </nav>
      </header>
      {infoError && <p class="banner error-text">{infoError}</p>}
      <main>
        <div hidden={screen !== 'chat'}>
          <ChatScreen info={info} feed={feed} session={session} />
        </div>
        <div hidden={screen !== 'topology'}>
          <TopologyScreen info={info} feed={feed} active={screen === 'topology'} />
        </div>
      </main>
    </>
  );
}
