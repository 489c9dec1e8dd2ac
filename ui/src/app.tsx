import { useEffect, useState } from 'preact/hooks';
import { fetchInfo, type UiInfo } from './api/server';
import { ChatScreen } from './chat/chat-screen';
import { ChatSession } from './chat/chat-session';
import { MapScreen } from './map/map-screen';
import { Simulation } from './map/simulation';
import { OpsScreen } from './ops/ops-screen';
import { TopologyScreen } from './topology/topology-screen';
import { TopologyFeed } from './topology/topology-feed';

type Screen = 'chat' | 'map' | 'topology' | 'ops';

const SCREENS: ReadonlyArray<{ screen: Screen; label: string }> = [
  { screen: 'chat', label: 'Chat' },
  { screen: 'map', label: 'Team map' },
  { screen: 'topology', label: 'Topology' },
  { screen: 'ops', label: 'Operations' },
];

/** `#/chat`, `#/map`, `#/topology` and `#/ops` open their screen directly; anything else is the chat. */
function screenOf(hash: string): Screen {
  return SCREENS.find(({ screen }) => hash.startsWith(`#/${screen}`))?.screen ?? 'chat';
}

// One topology feed for the page, and a session for the chat and one for the team map (a manager watching a team
// may chat as someone else): switching screens keeps the connections and the editor's state.
const session = new ChatSession();
const mapSession = new ChatSession();
const simulation = new Simulation(mapSession.channels);
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
          {SCREENS.map(({ screen: target, label }) => (
            <a
              key={target}
              data-testid={`nav-${target}`}
              href={`#/${target}`}
              class={screen === target ? 'active' : ''}
              aria-current={screen === target ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      </header>
      {infoError && <p class="banner error-text">{infoError}</p>}
      <main>
        <div hidden={screen !== 'chat'}>
          <ChatScreen info={info} feed={feed} session={session} />
        </div>
        <div hidden={screen !== 'map'}>
          <MapScreen info={info} feed={feed} session={mapSession} simulation={simulation} active={screen === 'map'} />
        </div>
        <div hidden={screen !== 'topology'}>
          <TopologyScreen info={info} feed={feed} active={screen === 'topology'} />
        </div>
        <div hidden={screen !== 'ops'}>
          <OpsScreen feed={feed} active={screen === 'ops'} />
        </div>
      </main>
    </>
  );
}
