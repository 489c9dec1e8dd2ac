import { useState } from 'preact/hooks';
import type { UiInfo } from '../api/server';
import type { ChatSession } from '../chat/chat-session';
import { ConnectPanel } from '../chat/connect-panel';
import { ErrorList } from '../chat/error-list';
import { useObservable } from '../store';
import type { TopologyFeed } from '../topology/topology-feed';
import { MapPicture } from './map-picture';
import { SimulatePanel } from './simulate-panel';
import type { Simulation } from './simulation';
import { TeamPicker } from './team-picker';
import { useTeamMap } from './use-team-map';
import { WorkerTable } from './worker-table';

/** The team map: a manager signs in, watches a team channel, and sees each worker move (or simulates some). */
export function MapScreen(props: { info?: UiInfo; feed: TopologyFeed; session: ChatSession; simulation: Simulation; active: boolean }) {
  const { session } = props;
  useObservable(session);
  const [channel, setChannel] = useState<string | undefined>(undefined);
  const watch = (next: string) => {
    if (next !== channel && props.simulation.running) props.simulation.stop('Stopped: another channel is watched now.');
    setChannel(next);
  };
  return (
    <div class="team">
      <aside class="column">
        <ConnectPanel info={props.info} feed={props.feed} session={session} prefix="map" />
        <TeamPicker channels={session.channels} watching={channel} onWatch={watch} />
        <SimulatePanel simulation={props.simulation} channel={channel} connected={session.state === 'authenticated'} />
      </aside>
      <section class="card" aria-label="Team map">
        <ErrorList session={session} prefix="map" />
        <h2>{channel === undefined ? 'Team map' : `Team map of ${channel}`}</h2>
        <TeamView channels={session.channels} channel={channel} active={props.active} />
      </section>
    </div>
  );
}

/** The picture and the worker list, redrawn on their own clock (the rest of the screen is not). */
function TeamView({ channels, channel, active }: { channels: ChatSession['channels']; channel?: string; active: boolean }) {
  const view = useTeamMap(channels, channel, active);
  return (
    <>
      <MapPicture view={view} />
      <WorkerTable view={view} />
    </>
  );
}
